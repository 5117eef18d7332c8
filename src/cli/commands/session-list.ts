import { Command, Option } from 'commander';
import { AGENTS, type Agent } from '../../domain/agent.js';
import { HappierError } from '../../domain/errors.js';
import { filterViews, viewSession } from '../../domain/session-view.js';
import type { ArchiveFilter } from '../../store/sessions-repo.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { okEnvelopeChunks } from '../output/json-envelope.js';
import { sessionJson } from '../output/session-json.js';
import { formatSessionPlain, formatSessionTable } from '../output/session-table.js';

export interface ListOptions {
  resumable?: boolean;
  active?: boolean;
  archived?: boolean;
  all?: boolean;
  agent?: Agent;
  plain?: boolean;
  json?: boolean;
  everywhere?: boolean;
}

export function sessionListCommand(ctx: CliContext): Command {
  return new Command('list')
    .alias('ls')
    .description('list sessions, most recently updated first')
    .option('--resumable', 'only sessions that `happier resume` can reopen now')
    .option('--active', 'only sessions whose provider is running')
    .addOption(new Option('--archived', 'only archived sessions').conflicts('all'))
    .option('--all', 'archived and live sessions')
    .addOption(new Option('--agent <agent>', 'only this provider').choices(AGENTS))
    .addOption(new Option('--plain', 'one line per session: id agent active|inactive path').conflicts('json'))
    .option('--json', 'JSON envelope on stdout')
    .option('--everywhere', 'also the sessions of the other machines of the account (needs the sync server)')
    .action(async (opts: ListOptions) => listSessions(ctx, opts));
}

export async function listSessions(ctx: CliContext, opts: ListOptions): Promise<void> {
  if (opts.archived && opts.all) throw new HappierError('USAGE', '--archived and --all cannot be used together');
  if (opts.everywhere) return (await import('./session-list-everywhere.js')).listEverywhere(ctx, opts);
  const store = await ctx.store();
  const archived: ArchiveFilter = opts.all ? 'all' : opts.archived ? 'archived' : 'live';
  const sessions = store.sessions.list({ archived, ...(opts.agent ? { agent: opts.agent } : {}) });
  const vctx = await ctx.viewContext(sessions);
  const views = filterViews(
    sessions.map((s) => viewSession(s, vctx)),
    { ...(opts.resumable ? { resumable: true } : {}), ...(opts.active ? { active: true } : {}) },
  );
  if (opts.json || ctx.json) {
    for (const chunk of okEnvelopeChunks('session_list', 'sessions', views, sessionJson)) ctx.out(chunk);
    ctx.out('\n');
  } else if (opts.plain) {
    ctx.out(formatSessionPlain(views));
  } else if (views.length === 0) {
    ctx.note(
      archived === 'live' && !opts.resumable && !opts.active
        ? 'no sessions yet; start one with `happier new`, or see provider sessions with `happier direct list`'
        : 'no sessions match',
    );
  } else {
    ctx.out(
      formatSessionTable(views, { now: ctx.io.now(), width: outputWidth(ctx.io), home: ctx.io.homeDir, chalk: ctx.chalk }),
    );
  }
}
