import type { Agent, Backend } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import type { NewSession, Session, TerminalRecord } from '../domain/session.js';
import { selectSession } from '../domain/session-selector.js';
import type { Registry } from './registry.js';

interface SessionRow {
  id: string;
  agent: string;
  backend: string;
  vendor_session_id: string | null;
  title: string;
  cwd: string;
  owner_machine_id: string;
  owner_epoch: number;
  archived: number;
  created_at: string;
  updated_at: string;
  last_activity_at: string;
  terminal: string | null;
}

function fromRow(r: SessionRow): Session {
  return {
    id: r.id,
    agent: r.agent as Agent,
    backend: r.backend as Backend,
    vendorSessionId: r.vendor_session_id,
    title: r.title,
    cwd: r.cwd,
    ownerMachineId: r.owner_machine_id,
    ownerEpoch: r.owner_epoch,
    archived: r.archived !== 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastActivityAt: r.last_activity_at,
    terminal: r.terminal ? (JSON.parse(r.terminal) as TerminalRecord) : null,
  };
}

function toParams(s: Session) {
  return {
    id: s.id,
    agent: s.agent,
    backend: s.backend,
    vendor_session_id: s.vendorSessionId,
    title: s.title,
    cwd: s.cwd,
    owner_machine_id: s.ownerMachineId,
    owner_epoch: s.ownerEpoch,
    archived: s.archived ? 1 : 0,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    last_activity_at: s.lastActivityAt,
    terminal: s.terminal ? JSON.stringify(s.terminal) : null,
  };
}

export type ArchiveFilter = 'live' | 'archived' | 'all';

export class SessionsRepo {
  constructor(private readonly reg: Registry) {}

  list(filter: { archived?: ArchiveFilter; agent?: Agent } = {}): Session[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const archived = filter.archived ?? 'live';
    if (archived === 'live') where.push('archived = 0');
    if (archived === 'archived') where.push('archived = 1');
    if (filter.agent) {
      where.push('agent = ?');
      params.push(filter.agent);
    }
    const sql = `SELECT * FROM sessions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY updated_at DESC`;
    // Row by row, so each raw row dies young instead of all of them living as long as the list.
    const out: Session[] = [];
    for (const row of this.reg.db.prepare(sql).iterate(...params) as IterableIterator<SessionRow>) out.push(fromRow(row));
    return out;
  }

  get(id: string): Session | undefined {
    const row = this.reg.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every session a selector could mean: same id, same vendor id, or an id it prefixes. */
  candidates(selector: string): Session[] {
    const s = selector.trim();
    const rows = this.reg.db
      .prepare('SELECT * FROM sessions WHERE id = ? OR vendor_session_id = ? OR substr(id, 1, ?) = ? ORDER BY updated_at DESC')
      .all(s.toLowerCase(), s, s.length, s.toLowerCase()) as SessionRow[];
    return rows.map(fromRow);
  }

  /** The session a user's selector names; fails with AMBIGUOUS or NOT_FOUND. */
  resolve(selector: string): Session {
    return selectSession(this.candidates(selector), selector);
  }

  findByVendorId(agent: Agent, vendorSessionId: string): Session | undefined {
    const row = this.reg.db
      .prepare('SELECT * FROM sessions WHERE agent = ? AND vendor_session_id = ?')
      .get(agent, vendorSessionId) as SessionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  insert(s: NewSession): Session {
    const full: Session = { ownerEpoch: 0, archived: false, terminal: null, ...s };
    try {
      this.reg.db
        .prepare(
          `INSERT INTO sessions (id, agent, backend, vendor_session_id, title, cwd, owner_machine_id, owner_epoch,
             archived, created_at, updated_at, last_activity_at, terminal)
           VALUES (@id, @agent, @backend, @vendor_session_id, @title, @cwd, @owner_machine_id, @owner_epoch,
             @archived, @created_at, @updated_at, @last_activity_at, @terminal)`,
        )
        .run(toParams(full));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new HappierError('CONFLICT', `a session with id ${s.id} already exists`);
      }
      throw err;
    }
    return full;
  }

  /**
   * Read-modify-write of one session under the registry's write lock, so two processes
   * changing the same session cannot overwrite each other's change.
   */
  update(id: string, change: (current: Session) => Session): Session {
    return this.reg.write(() => {
      const current = this.get(id);
      if (!current) throw new HappierError('NOT_FOUND', `no session with id ${id}`);
      const next = change(current);
      if (next.id !== id) throw new Error('a session update may not change its id');
      this.reg.db
        .prepare(
          `UPDATE sessions SET agent=@agent, backend=@backend, vendor_session_id=@vendor_session_id, title=@title,
             cwd=@cwd, owner_machine_id=@owner_machine_id, owner_epoch=@owner_epoch, archived=@archived,
             created_at=@created_at, updated_at=@updated_at, last_activity_at=@last_activity_at, terminal=@terminal
           WHERE id=@id`,
        )
        .run(toParams(next));
      return next;
    });
  }

  remove(id: string): boolean {
    return this.reg.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
  }
}
