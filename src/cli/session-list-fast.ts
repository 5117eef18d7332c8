/**
 * `session list` without the command tree. It is the command people and scripts run most,
 * and building every command (and loading what they import) cost more than the list
 * itself. Only a plain list takes this path: anything else on the line, a conflict between
 * options, or a handoff a crash left open goes through the full program, so usage errors,
 * help and recovery stay where they are. The output is the same `listSessions`.
 */
import { isAgent } from '../domain/agent.js';
import type { CliIO } from './cli-io.js';
import type { ListOptions } from './commands/list-sessions.js';
import { CliContext } from './context.js';
import { reportFailure } from './report-failure.js';

const FLAGS: Record<string, keyof ListOptions> = {
  '--json': 'json',
  '--plain': 'plain',
  '--resumable': 'resumable',
  '--active': 'active',
  '--archived': 'archived',
  '--all': 'all',
};

/** The options of a command line the fast path can serve on its own, or undefined. */
export function fastListOptions(args: readonly string[]): ListOptions | undefined {
  if (args[0] !== 'session' || (args[1] !== 'list' && args[1] !== 'ls')) return undefined;
  const opts: ListOptions = {};
  for (let i = 2; i < args.length; i++) {
    const a = args[i]!;
    const flag = FLAGS[a];
    if (flag) {
      (opts as Record<string, unknown>)[flag] = true;
      continue;
    }
    const agent = a === '--agent' ? args[++i] : a.startsWith('--agent=') ? a.slice('--agent='.length) : undefined;
    if (agent !== undefined && isAgent(agent)) {
      opts.agent = agent;
      continue;
    }
    return undefined;
  }
  if ((opts.json && opts.plain) || (opts.archived && opts.all)) return undefined;
  return opts;
}

/** Lists, or returns false (having written nothing) when the full program must run instead. */
export async function runFastList(ctx: CliContext, opts: ListOptions): Promise<boolean> {
  ctx.kind = 'session_list';
  const [store, { HandoffJournalRepo }, { listSessions }] = await Promise.all([
    ctx.store(),
    import('../store/handoff-journal-repo.js'),
    import('./commands/list-sessions.js'),
  ]);
  if (new HandoffJournalRepo(store.registry).openEntries().length > 0) return false;
  await listSessions(ctx, opts);
  return true;
}

/**
 * The whole run of a plain list, for the launcher's own bundle (session-list-entry.ts):
 * its exit code, or undefined (having written nothing) when the full program must run.
 */
export async function executeFastList(args: readonly string[], io: CliIO): Promise<number | undefined> {
  const opts = fastListOptions(args);
  if (!opts) return undefined;
  const ctx = new CliContext(io);
  ctx.json = !!opts.json;
  try {
    return (await runFastList(ctx, opts)) ? ctx.exitCode : undefined;
  } catch (err) {
    return reportFailure(ctx, err);
  } finally {
    await ctx.close();
  }
}
