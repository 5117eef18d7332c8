import type { TrustGrant } from '../domain/trust-grant.js';
import type { Registry } from './registry.js';

/**
 * The target's side of a handoff in flight: what it staged and must discard on abort, or
 * clean up on finalize. Each intent is written before the action it covers, so an undo
 * after a crash checks the world rather than trusting that the action completed.
 */
export interface PendingUndo {
  readonly targetPath: string;
  readonly placement: 'new' | 'existing' | 'sibling' | 'replace';
  readonly workspace: boolean;
  /** Where the bundle waits, verified, until register applies it. */
  readonly stateDir: string;
  /** The workspace's staging tree beside the target path. */
  readonly workspaceStaging: string | null;
  /** Where a replaced tree is kept until finalize. */
  readonly backupPath: string | null;
  /** The highest folder happier created for the target path, removed on undo. */
  readonly createdDir: string | null;
  readonly workspacePlaced: boolean;
  readonly providerExistedBefore: boolean | null;
  readonly importedPaths: readonly string[];
  /** The session row as it was before register (a session handed back here), or null. */
  readonly previousSession: unknown;
  readonly registeredSessionId: string | null;
  readonly tmuxSession: string | null;
  /** The folder trust register added to the provider's config, taken back on undo (absent in rows of older versions). */
  readonly trustGrant?: TrustGrant | null;
}

export type PendingState = 'prepared' | 'staged' | 'registering' | 'registered';

export interface PendingRow {
  readonly handoffId: string;
  readonly sessionId: string;
  readonly state: PendingState;
  readonly undo: PendingUndo;
}

export class HandoffPendingRepo {
  constructor(
    private readonly reg: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(handoffId: string): PendingRow | undefined {
    const r = this.reg.db.prepare('SELECT * FROM handoff_pending WHERE handoff_id = ?').get(handoffId) as
      | { handoff_id: string; session_id: string; state: string; undo: string }
      | undefined;
    return r ? { handoffId: r.handoff_id, sessionId: r.session_id, state: r.state as PendingState, undo: JSON.parse(r.undo) as PendingUndo } : undefined;
  }

  /** Whether a session registered here still waits for its source to commit. */
  isPending(sessionId: string): boolean {
    return !!this.reg.db.prepare('SELECT 1 FROM handoff_pending WHERE session_id = ?').get(sessionId);
  }

  list(): PendingRow[] {
    const ids = this.reg.db.prepare('SELECT handoff_id FROM handoff_pending ORDER BY created_at').all() as { handoff_id: string }[];
    return ids.map((r) => this.get(r.handoff_id)!);
  }

  insert(handoffId: string, sessionId: string, undo: PendingUndo): void {
    const at = this.now().toISOString();
    this.reg.db
      .prepare(
        `INSERT INTO handoff_pending (handoff_id, session_id, state, undo, created_at, updated_at) VALUES (?, ?, 'prepared', ?, ?, ?)
         ON CONFLICT(handoff_id) DO UPDATE SET undo = excluded.undo, updated_at = excluded.updated_at`,
      )
      .run(handoffId, sessionId, JSON.stringify(undo), at, at);
  }

  update(handoffId: string, change: (row: PendingRow) => { state?: PendingState; undo?: Partial<PendingUndo> }): PendingRow {
    return this.reg.write(() => {
      const cur = this.get(handoffId);
      if (!cur) throw new Error(`no pending handoff ${handoffId}`);
      const c = change(cur);
      const next: PendingRow = { ...cur, state: c.state ?? cur.state, undo: { ...cur.undo, ...c.undo } };
      this.reg.db
        .prepare('UPDATE handoff_pending SET state = ?, undo = ?, updated_at = ? WHERE handoff_id = ?')
        .run(next.state, JSON.stringify(next.undo), this.now().toISOString(), handoffId);
      return next;
    });
  }

  remove(handoffId: string): void {
    this.reg.db.prepare('DELETE FROM handoff_pending WHERE handoff_id = ?').run(handoffId);
  }
}
