import type { Agent } from '../../domain/agent.js';
import { HappierError } from '../../domain/errors.js';
import { viewMatches, viewSession, type ListFilter, type SessionView } from '../../domain/session-view.js';
import type { ArchiveFilter, SessionFilter } from '../../store/sessions-repo.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { okEnvelopeChunks } from '../output/json-envelope.js';
import { sessionJson } from '../output/session-json.js';
import { formatSessionPlain, formatSessionRows, sessionRow } from '../output/session-table.js';

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

/**
 * This machine's sessions as a table, plain lines or JSON. Kept apart from the command's
 * definition so the fast path (session-list-fast.ts) runs it without loading commander.
 */
export async function listSessions(ctx: CliContext, opts: ListOptions): Promise<void> {
  if (opts.archived && opts.all) throw new HappierError('USAGE', '--archived and --all cannot be used together');
  const store = await ctx.store();
  const archived: ArchiveFilter = opts.all ? 'all' : opts.archived ? 'archived' : 'live';
  const filter: SessionFilter = { archived, ...(opts.agent ? { agent: opts.agent } : {}) };
  // Only a session with a terminal record can be running, and only one whose conversation
  // was never seen on disk can lack it: those alone decide what tmux and the providers are asked.
  const vctx = await ctx.viewContext(
    store.sessions.list({ ...filter, inTerminal: true }),
    archived === 'archived' ? [] : store.sessions.unseenConversations(store.registry.machineId, opts.agent),
  );
  const match: ListFilter = { ...(opts.resumable ? { resumable: true } : {}), ...(opts.active ? { active: true } : {}) };
  function* matching(): Generator<SessionView> {
    for (const s of store.sessions.each(filter)) {
      const v = viewSession(s, vctx);
      if (viewMatches(v, match)) yield v;
    }
  }
  if (opts.json || ctx.json) {
    // Written as the rows are read: nothing of a long list is held longer than its batch.
    for (const chunk of okEnvelopeChunks('session_list', 'sessions', matching(), sessionJson)) ctx.out(chunk);
    ctx.out('\n');
    return;
  }
  if (opts.plain) {
    ctx.out(formatSessionPlain([...matching()]));
    return;
  }
  const table = { now: ctx.io.now(), width: outputWidth(ctx.io), home: ctx.io.homeDir, chalk: ctx.chalk };
  const rows: string[][] = [];
  for (const v of matching()) rows.push(sessionRow(v, table));
  if (rows.length > 0) ctx.out(formatSessionRows(rows, table));
  else {
    ctx.note(
      archived === 'live' && !opts.resumable && !opts.active
        ? 'no sessions yet; start one with `happier new`, or see provider sessions with `happier direct list`'
        : 'no sessions match',
    );
  }
}
