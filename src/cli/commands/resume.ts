import { Command } from 'commander';
import { HappierError } from '../../domain/errors.js';
import { filterViews, viewSession } from '../../domain/session-view.js';
import type { CliContext } from '../context.js';
import { lifecycleDeps } from '../lifecycle-wiring.js';
import { relativeTime } from '../../domain/relative-time.js';
import { tildePath } from '../output/session-table.js';
import { sanitize } from '../../domain/text-width.js';
import { outputWidth } from '../cli-io.js';
import { formatTable, type Column } from '../output/table-layout.js';
import { attachOrSayHow, canAttach, printStarted } from './session-started.js';
import { printRemote } from './attach.js';
import { okEnvelope } from '../output/json-envelope.js';

export function resumeCommand(ctx: CliContext): Command {
  return new Command('resume')
    .description("reopen an inactive session with the provider's own resume; never starts a fresh one")
    .argument('[id]', 'session id, unambiguous id prefix, or vendor session id (a picker without it)')
    .option('--detached', 'resume it without attaching')
    .option('--dry-run', 'for a session another machine owns, print the ssh -t command it would run and run nothing')
    .option('--json', 'JSON envelope on stdout (implies --detached)')
    .action(async (selector: string | undefined, opts: { detached?: boolean; json?: boolean; dryRun?: boolean }) => {
      const id = selector ?? (await pickResumable(ctx, !!opts.json));
      const deps = await lifecycleDeps(ctx);
      const target = deps.sessions.resolve(id);
      if (target.ownerMachineId !== deps.selfMachineId) {
        const { planRemote, runRemote } = await import('../../lifecycle/remote-session.js');
        const remote = planRemote(deps, target, 'resume', opts.detached ? ['--detached'] : []);
        if (!opts.dryRun) await runRemote(deps, target, remote, { hasTerminal: canAttach(ctx) });
        return printRemote(ctx, remote, !!opts.json, !!opts.dryRun);
      }
      if (opts.dryRun) {
        const { resumeRefusalOf } = await import('../../lifecycle/resume-session.js');
        const refused = await resumeRefusalOf(deps, target);
        if (refused) throw refused;
        if (opts.json) ctx.out(okEnvelope(ctx.kind, { plan: { kind: 'local', sessionId: target.id }, dryRun: true }) + '\n');
        else ctx.out(`happier resume ${target.id}\n`);
        return;
      }
      await refuseIfOwnershipMoved(ctx, id);
      const { resumeSession } = await import('../../lifecycle/resume-session.js');
      const { session, sessionName } = await resumeSession(deps, id);
      if (opts.json) {
        await printStarted(ctx, deps, session.id, sessionName);
        return;
      }
      ctx.note(`resumed ${session.id} (${session.agent} ${session.vendorSessionId}) in tmux session ${sessionName}`);
      await attachOrSayHow(ctx, deps, session, { detached: !!opts.detached, json: false });
    });
}

/**
 * A handoff committed on another machine may not have reached this registry yet; the sync
 * server knows. Without a server, or when it does not answer within a short timeout, resume goes on.
 */
async function refuseIfOwnershipMoved(ctx: CliContext, selector: string): Promise<void> {
  const store = await ctx.store();
  const target = store.sessions.resolve(selector);
  if (target.ownerMachineId !== store.registry.machineId) return;
  const { assertStillOwner } = await import('../../server/client/quick-checks.js');
  await assertStillOwner(store.registry, ctx.io.env, target.id, target.ownerEpoch);
}

/** The interactive picker of resumable sessions, most recent activity first. */
async function pickResumable(ctx: CliContext, json: boolean): Promise<string> {
  if (json || !canAttach(ctx)) {
    throw new HappierError('USAGE', 'which session? give an id', {
      hint: 'run `happier session list --resumable` to see the sessions that can be resumed',
    });
  }
  const store = await ctx.store();
  const sessions = store.sessions.list();
  const vctx = await ctx.viewContext(sessions);
  const views = filterViews(
    sessions.map((s) => viewSession(s, vctx)),
    { resumable: true },
  ).sort((a, b) => b.session.lastActivityAt.localeCompare(a.session.lastActivityAt));
  if (views.length === 0) {
    throw new HappierError('NOT_FOUND', 'no session can be resumed right now', {
      hint: 'start one with `happier new`; `happier session list` shows why others cannot resume',
    });
  }
  const now = ctx.io.now();
  // The picker's rows are a table laid out by the same rule as `session list`, so its columns line up.
  const rows = formatTable(
    PICKER_COLUMNS,
    views.map(({ session: s }) => [s.id.slice(0, 8), s.agent, relativeTime(s.lastActivityAt, now), sanitize(s.title) || '(untitled)', sanitize(tildePath(s.cwd, ctx.io.homeDir))]),
    // The prompt's pointer and indent take two columns.
    (outputWidth(ctx.io) ?? 80) - 2,
  ).slice(1);
  const { select } = await import('@inquirer/prompts');
  return select({
    message: 'Resume which session?',
    pageSize: 15,
    choices: views.map(({ session: s }, i) => ({ value: s.id, name: rows[i]! })),
  });
}

const PICKER_COLUMNS: readonly Column[] = [
  { header: 'ID' },
  { header: 'AGENT', drop: 2 },
  { header: 'ACTIVITY', drop: 1 },
  { header: 'TITLE', shrink: 'end', minWidth: 10 },
  { header: 'PATH', shrink: 'start', minWidth: 10, drop: 3 },
];
