import { Command, Option } from 'commander';
import { AGENTS, type Agent } from '../../domain/agent.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { findDirect } from '../direct-sessions.js';
import { parseMessageCount } from '../message-count-option.js';
import { directSessionJson, humanSize } from '../output/direct-table.js';
import { okEnvelope } from '../output/json-envelope.js';
import { formatMessagePreview, messageJson } from '../output/message-preview.js';
import { relativeTime } from '../../domain/relative-time.js';
import { sanitize } from '../../domain/text-width.js';

const DEFAULT_MESSAGES = 10;

export function directShowCommand(ctx: CliContext): Command {
  return new Command('show')
    .description('show one provider session and its latest messages')
    .argument('<vendor-id>', "the provider's session id (see `happier direct list`)")
    .addOption(new Option('--agent <agent>', 'the provider, when the id could be either').choices(AGENTS))
    .option('--messages <n>', `how many of the latest messages to show (default ${DEFAULT_MESSAGES})`, parseMessageCount)
    .option('--json', 'JSON envelope on stdout')
    .action(async (vendorId: string, opts: { agent?: Agent; messages?: number; json?: boolean }) => {
      const found = await findDirect(ctx, vendorId, opts.agent);
      const store = await ctx.store();
      const s = found.session;
      const takenOver = store.sessions.findByVendorId(s.agent, s.vendorSessionId)?.id ?? null;
      const count = opts.messages ?? DEFAULT_MESSAGES;
      const transcript = count > 0 ? await found.provider.readTranscript(found.pctx, s.vendorSessionId, { lastMessages: count }) : null;
      if (opts.json || ctx.json) {
        ctx.out(
          okEnvelope('direct_show', {
            directSession: directSessionJson({ session: s, takenOver }),
            messages: transcript ? transcript.messages.map(messageJson) : [],
            skippedLines: transcript?.skippedLines ?? 0,
          }) + '\n',
        );
        return;
      }
      const now = ctx.io.now();
      const rows: [string, string][] = [
        ['agent', s.agent],
        ['vendor id', s.vendorSessionId],
        ['title', sanitize(s.title) || '(untitled)'],
        ['cwd', sanitize(s.cwd) || '?'],
        ['updated', `${s.updatedAt} (${relativeTime(s.updatedAt, now)})`],
        ['messages', String(s.messageCount)],
        ['size', humanSize(s.sizeBytes)],
        ['file', sanitize(s.path)],
        ['taken over', takenOver ?? `no (take it over with \`happier direct takeover ${s.vendorSessionId}\`)`],
      ];
      let text = rows.map(([k, v]) => `${k.padEnd(14)}${v}\n`).join('');
      if (transcript && transcript.messages.length) {
        text += `\nlatest ${transcript.messages.length} message${transcript.messages.length === 1 ? '' : 's'}:\n`;
        text += formatMessagePreview(transcript.messages, { now, width: outputWidth(ctx.io), chalk: ctx.chalk });
      }
      ctx.out(text);
      if (transcript && transcript.skippedLines > 0) ctx.note(`note: ${transcript.skippedLines} unreadable line(s) in the transcript were skipped`);
    });
}
