import { Command } from 'commander';
import { resumeLabel, explainResumeBlock } from '../../domain/resume-eligibility.js';
import { needsLiveness, viewSession, type SessionView } from '../../domain/session-view.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { relativeTime } from '../output/relative-time.js';
import { sessionJson } from '../output/session-json.js';
import { sanitize } from '../output/text-width.js';

export function sessionShowCommand(ctx: CliContext): Command {
  return new Command('show')
    .description('show one session in full')
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--json', 'JSON envelope on stdout')
    .action(async (selector: string, opts: { json?: boolean }) => {
      const view = await resolveView(ctx, selector);
      if (opts.json) ctx.out(okEnvelope('session_show', { session: sessionJson(view) }) + '\n');
      else ctx.out(formatDetails(view, ctx.io.now()));
    });
}

export async function resolveView(ctx: CliContext, selector: string): Promise<SessionView> {
  const store = await ctx.store();
  const session = store.sessions.resolve(selector);
  const vctx = await ctx.viewContext(needsLiveness([session], store.registry.machineId));
  return viewSession(session, vctx);
}

function formatDetails(view: SessionView, now: Date): string {
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
  return rows.map(([k, val]) => `${k.padEnd(14)}${val}\n`).join('');
}
