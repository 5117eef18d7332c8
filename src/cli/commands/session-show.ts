import { Command } from 'commander';
import { resumeLabel, explainResumeBlock } from '../../domain/resume-eligibility.js';
import { viewSession, type SessionView } from '../../domain/session-view.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { relativeTime } from '../../domain/relative-time.js';
import { sessionJson } from '../output/session-json.js';
import { sanitize } from '../../domain/text-width.js';
import { HappierError } from '../../domain/errors.js';
import type { Transcript } from '../../providers/provider.js';
import { outputWidth } from '../cli-io.js';
import { wrapLine } from '../../domain/text-wrap.js';
import { providerContext, tryLoadProvider } from '../direct-sessions.js';
import { parseMessageCount } from '../message-count-option.js';
import { formatMessagePreview, messageJson } from '../output/message-preview.js';

export function sessionShowCommand(ctx: CliContext): Command {
  return new Command('show')
    .description('show one session in full')
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--json', 'JSON envelope on stdout')
    .option('--messages <n>', 'also show the latest N messages from the provider transcript', parseMessageCount)
    .action(async (selector: string, opts: { json?: boolean; messages?: number }) => {
      const view = await resolveView(ctx, selector);
      const preview = opts.messages === undefined ? undefined : await readPreview(ctx, view, opts.messages);
      if (opts.json) {
        const extra = preview === undefined ? {} : previewJson(preview);
        ctx.out(okEnvelope('session_show', { session: sessionJson(view), ...extra }) + '\n');
        return;
      }
      ctx.out(formatDetails(view, ctx.io.now(), outputWidth(ctx.io)));
      if (preview === undefined) return;
      if ('error' in preview) ctx.note(`note: no messages to show: ${preview.error.message}`);
      else if (preview.transcript.messages.length > 0) {
        const n = preview.transcript.messages.length;
        ctx.out(`\nlatest ${n} message${n === 1 ? '' : 's'}:\n`);
        ctx.out(formatMessagePreview(preview.transcript.messages, { now: ctx.io.now(), width: outputWidth(ctx.io), chalk: ctx.chalk }));
      }
    });
}

type Preview = { transcript: Transcript } | { error: HappierError };

/**
 * The latest messages from the provider's own transcript. Their absence (no vendor id
 * yet, the transcript on another machine) is reported beside the details, not as a failure.
 */
async function readPreview(ctx: CliContext, view: SessionView, count: number): Promise<Preview> {
  const s = view.session;
  if (!s.vendorSessionId) {
    return { error: new HappierError('NOT_FOUND', 'the provider has not reported a session id yet') };
  }
  try {
    const provider = await tryLoadProvider(s.agent);
    if (!provider) return { error: new HappierError('UNSUPPORTED_PROVIDER', `this build cannot read ${s.agent} transcripts`) };
    const pctx = await providerContext(ctx);
    return { transcript: await provider.readTranscript(pctx, s.vendorSessionId, { lastMessages: count }) };
  } catch (err) {
    if (err instanceof HappierError) return { error: err };
    throw err;
  }
}

function previewJson(p: Preview) {
  if ('error' in p) return { messages: null, messagesError: { code: p.error.code, message: p.error.message } };
  return { messages: p.transcript.messages.map(messageJson), skippedLines: p.transcript.skippedLines };
}

export async function resolveView(ctx: CliContext, selector: string): Promise<SessionView> {
  const store = await ctx.store();
  const session = store.sessions.resolve(selector);
  const vctx = await ctx.viewContext([session]);
  return viewSession(session, vctx);
}

function formatDetails(view: SessionView, now: Date, width: number | null): string {
  const v = { ...view.session, ...view };
  const when = (iso: string) => `${iso} (${relativeTime(iso, now)})`;
  const owner = `${v.ownerMachineName ?? v.ownerMachineId}${v.ownedHere ? ' (this machine)' : ''}, epoch ${v.ownerEpoch}`;
  const resume =
    v.resume.status === 'yes' ? 'yes' : `${resumeLabel(v.resume)}: ${explainResumeBlock(v.resume.reason)}`;
  const rows: [string, string][] = [
    ['id', v.id],
    ['title', sanitize(v.title) || '(untitled)'],
    ['agent', `${v.agent} (${v.backend})`],
    ['vendor id', v.vendorSessionId ?? '(not known yet)'],
    ['cwd', sanitize(v.cwd)],
    ['owner', owner],
    ['active', v.active ? 'yes' : 'no'],
    ['resume', resume],
    ['archived', v.archived ? 'yes' : 'no'],
    ['created', when(v.createdAt)],
    ['updated', when(v.updatedAt)],
    ['last activity', when(v.lastActivityAt)],
  ];
  const lines = rows.map(([k, val]) => `${k.padEnd(14)}${val}`);
  return lines.flatMap((l) => (width === null ? [l] : wrapLine(l, width, 14))).join('\n') + '\n';
}
