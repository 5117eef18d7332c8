import type { Agent, Backend } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import type { ConversationCandidate, NewSession, Session, TerminalRecord } from '../domain/session.js';
import { selectSession } from '../domain/session-selector.js';
import type { Registry } from './registry.js';

/**
 * Rows are read as arrays in this column order: better-sqlite3 builds an object per row
 * key by key, which cost most of a 10,000-session list.
 */
const COLUMNS =
  'id, agent, backend, vendor_session_id, title, cwd, owner_machine_id, owner_epoch, archived, created_at, updated_at, last_activity_at, terminal';

type SessionRow = [
  id: string,
  agent: string,
  backend: string,
  vendorSessionId: string | null,
  title: string,
  cwd: string,
  ownerMachineId: string,
  ownerEpoch: number,
  archived: number,
  createdAt: string,
  updatedAt: string,
  lastActivityAt: string,
  terminal: string | null,
];

function fromRow(r: SessionRow): Session {
  return {
    id: r[0],
    agent: r[1] as Agent,
    backend: r[2] as Backend,
    vendorSessionId: r[3],
    title: r[4],
    cwd: r[5],
    ownerMachineId: r[6],
    ownerEpoch: r[7],
    archived: r[8] !== 0,
    createdAt: r[9],
    updatedAt: r[10],
    lastActivityAt: r[11],
    terminal: r[12] ? (JSON.parse(r[12]) as TerminalRecord) : null,
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

export interface SessionFilter {
  readonly archived?: ArchiveFilter;
  readonly agent?: Agent;
  /** Only sessions with a terminal record: the only ones that can be running. */
  readonly inTerminal?: boolean;
}

export class SessionsRepo {
  constructor(private readonly reg: Registry) {}

  list(filter: SessionFilter = {}): Session[] {
    return [...this.each(filter)];
  }

  /**
   * The sessions of `list`, most recently updated first, made one at a time as they are
   * read, so a caller that streams them never holds the whole registry. The connection
   * is busy until the iteration ends: use nothing else of the registry meanwhile.
   */
  *each(filter: SessionFilter = {}): Generator<Session> {
    const where: string[] = [];
    const params: unknown[] = [];
    const archived = filter.archived ?? 'live';
    if (archived === 'live') where.push('archived = 0');
    if (archived === 'archived') where.push('archived = 1');
    if (filter.agent) {
      where.push('agent = ?');
      params.push(filter.agent);
    }
    if (filter.inTerminal) where.push('terminal IS NOT NULL');
    const sql = `SELECT ${COLUMNS} FROM sessions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY updated_at DESC`;
    for (const row of this.rows(sql).iterate(...params)) yield fromRow(row as SessionRow);
  }

  /**
   * The live sessions `owner` owns with a vendor id whose conversation was never seen on
   * disk (conversations_seen): the only ones a list has to look for in the provider
   * folders. Just the fields that look needs, since before a first look it is every one.
   */
  unseenConversations(owner: string, agent?: Agent): ConversationCandidate[] {
    const rows = this.rows(
      `SELECT id, agent, vendor_session_id, cwd FROM sessions s
       WHERE owner_machine_id = ? AND archived = 0 AND vendor_session_id IS NOT NULL ${agent ? 'AND agent = ?' : ''}
         AND NOT EXISTS (SELECT 1 FROM conversations_seen c WHERE c.agent = s.agent AND c.vendor_session_id = s.vendor_session_id)`,
    ).all(...(agent ? [owner, agent] : [owner])) as [string, Agent, string, string][];
    return rows.map(([id, a, vendorSessionId, cwd]) => ({ id, agent: a, vendorSessionId, cwd, ownerMachineId: owner, archived: false }));
  }

  get(id: string): Session | undefined {
    const row = this.rows(`SELECT ${COLUMNS} FROM sessions WHERE id = ?`).get(id) as SessionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every session a selector could mean: same id, same vendor id, or an id it prefixes. */
  candidates(selector: string): Session[] {
    const s = selector.trim();
    const rows = this.rows(
      `SELECT ${COLUMNS} FROM sessions WHERE id = ? OR vendor_session_id = ? OR substr(id, 1, ?) = ? ORDER BY updated_at DESC`,
    ).all(s.toLowerCase(), s, s.length, s.toLowerCase()) as SessionRow[];
    return rows.map(fromRow);
  }

  /** The session a user's selector names; fails with AMBIGUOUS or NOT_FOUND. */
  resolve(selector: string): Session {
    return selectSession(this.candidates(selector), selector);
  }

  findByVendorId(agent: Agent, vendorSessionId: string): Session | undefined {
    const row = this.rows(`SELECT ${COLUMNS} FROM sessions WHERE agent = ? AND vendor_session_id = ?`).get(
      agent,
      vendorSessionId,
    ) as SessionRow | undefined;
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

  private rows(sql: string) {
    return this.reg.db.prepare(sql).raw(true);
  }

  remove(id: string): boolean {
    return this.reg.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
  }
}
