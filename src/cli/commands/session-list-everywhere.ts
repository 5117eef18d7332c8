import { HappierError } from '../../domain/errors.js';
import type { InputAvailability } from '../../domain/message-send.js';
import type { Session } from '../../domain/session.js';
import { filterViews, viewSession } from '../../domain/session-view.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { sessionJson } from '../output/session-json.js';
import { formatEverywhereTable } from '../output/session-table-everywhere.js';
import { formatSessionPlain } from '../output/session-table.js';
import type { ListOptions } from './list-sessions.js';

/**
 * `session list --everywhere`: this machine's sessions plus those the other machines of
 * the account published, opened with the account key. It only reads from the server;
 * when the server is away it still lists this machine's sessions and says so.
 */
export async function listEverywhere(ctx: CliContext, opts: ListOptions): Promise<void> {
  if (opts.archived && opts.all) throw new HappierError('USAGE', '--archived and --all cannot be used together');
  const [{ SyncClient }, store] = await Promise.all([import('../../server/client/sync-client.js'), ctx.store()]);
  const sync = SyncClient.open(store.registry, ctx.io.env);
  const self = store.registry.machineId;
  const local = store.sessions.list({ archived: 'all' });
  const byId = new Map<string, Session>(local.map((s) => [s.id, s]));
  const names = new Map(store.machines.names());
  const online = new Map<string, boolean>();
  const ownerInputs = new Map<string, InputAvailability>();
  let unreachable: HappierError | null = null;
  try {
    const [{ records }, presence] = await Promise.all([sync.records(), sync.presence()]);
    for (const p of presence) {
      if (!names.has(p.machineId)) names.set(p.machineId, p.name);
      online.set(p.machineId, p.online);
    }
    for (const r of records) {
      const mine = byId.get(r.session.id);
      // The higher epoch is the truth; at equal epochs this machine's own copy is fresher.
      if (!mine || r.ownerEpoch > mine.ownerEpoch) byId.set(r.session.id, r.session);
      // Only a daemon that is online now keeps what it published up to date.
      if (r.ownerInput && r.ownerMachineId !== self && online.get(r.ownerMachineId)) ownerInputs.set(r.session.id, r.ownerInput);
    }
  } catch (err) {
    if (!(err instanceof HappierError) || err.code !== 'SERVER_UNAVAILABLE') throw err;
    unreachable = err;
  }
  const archived = opts.all ? 'all' : opts.archived ? 'archived' : 'live';
  const sessions = [...byId.values()]
    .filter((s) => (archived === 'all' ? true : archived === 'archived' ? s.archived : !s.archived))
    .filter((s) => !opts.agent || s.agent === opts.agent)
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  const base = await ctx.viewContext(sessions);
  const reachable = new Set(base.reachableMachines);
  for (const [id, up] of online) if (up) reachable.add(id);
  const vctx = { ...base, machineNames: names, reachableMachines: reachable, ownerInputs };
  const views = filterViews(
    sessions.map((s) => viewSession(s, vctx)),
    { ...(opts.resumable ? { resumable: true } : {}), ...(opts.active ? { active: true } : {}) },
  );
  if (opts.json || ctx.json) {
    const data = {
      sessions: views.map((v) => ({ ...sessionJson(v), ownerOnline: v.ownedHere ? true : (online.get(v.session.ownerMachineId) ?? null) })),
      server: { reachable: unreachable === null },
    };
    ctx.out(okEnvelope('session_list', data) + '\n');
    return;
  }
  if (unreachable) ctx.note(`warning: ${unreachable.message}; showing this machine's sessions only`);
  if (opts.plain) {
    ctx.out(formatSessionPlain(views));
  } else if (views.length === 0) {
    ctx.note('no sessions match');
  } else {
    ctx.out(formatEverywhereTable(views, online, { now: ctx.io.now(), width: outputWidth(ctx.io), home: ctx.io.homeDir, chalk: ctx.chalk }));
  }
}
