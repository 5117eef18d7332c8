import { canAdvance, isOpen, type HandoffStep, type JournalEntry } from '../domain/handoff-journal.js';
import type { Registry } from './registry.js';

/** What the source must remember to finish or undo a handoff after a crash. */
export interface HandoffPlanRecord {
  readonly targetName: string;
  readonly targetPath: string | null;
  readonly workspace: boolean;
  readonly agent: string;
  readonly vendorSessionId: string;
  /** null for a synced session; `keep` or `convert` for a direct one. */
  readonly directMode: 'keep' | 'convert' | null;
  /** The happier process running the handoff, so another process never recovers it while it runs. */
  readonly runner?: { readonly pid: number; readonly start: string | null };
}

export interface JournalRow extends JournalEntry {
  readonly plan: HandoffPlanRecord;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Row {
  id: string;
  session_id: string;
  target_machine_id: string;
  step: string;
  open: number;
  source_was_running: number;
  from_epoch: number;
  plan: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(r: Row): JournalRow {
  return {
    id: r.id,
    sessionId: r.session_id,
    targetMachineId: r.target_machine_id,
    step: r.step as HandoffStep,
    sourceWasRunning: r.source_was_running !== 0,
    fromEpoch: r.from_epoch,
    plan: JSON.parse(r.plan) as HandoffPlanRecord,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The source's handoff journal: one row per handoff, its step moved on only after the step happened. */
export class HandoffJournalRepo {
  constructor(
    private readonly reg: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  open(e: { id: string; sessionId: string; targetMachineId: string; fromEpoch: number; plan: HandoffPlanRecord }): JournalRow {
    const at = this.now().toISOString();
    this.reg.db
      .prepare(
        `INSERT INTO handoff_journal (id, session_id, target_machine_id, step, open, source_was_running, from_epoch, plan, error, created_at, updated_at)
         VALUES (?, ?, ?, 'planned', 1, 0, ?, ?, NULL, ?, ?)`,
      )
      .run(e.id, e.sessionId, e.targetMachineId, e.fromEpoch, JSON.stringify(e.plan), at, at);
    return this.get(e.id)!;
  }

  get(id: string): JournalRow | undefined {
    const r = this.reg.db.prepare('SELECT * FROM handoff_journal WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** The interrupted handoffs: one indexed query, cheap enough for every command start. */
  openEntries(): JournalRow[] {
    return (this.reg.db.prepare('SELECT * FROM handoff_journal WHERE open = 1 ORDER BY created_at').all() as Row[]).map(fromRow);
  }

  /** Records that `step` happened. A step that cannot follow the current one is a bug, not a user error. */
  advance(id: string, step: HandoffStep, extra: { sourceWasRunning?: boolean; error?: string } = {}): JournalRow {
    return this.reg.write(() => {
      const cur = this.get(id);
      if (!cur) throw new Error(`no handoff journal entry ${id}`);
      if (cur.step === step) return cur;
      if (!canAdvance(cur.step, step)) throw new Error(`handoff ${id} cannot go from ${cur.step} to ${step}`);
      this.reg.db
        .prepare(
          `UPDATE handoff_journal SET step = ?, open = ?, source_was_running = COALESCE(?, source_was_running),
             error = COALESCE(?, error), updated_at = ? WHERE id = ?`,
        )
        .run(
          step,
          isOpen(step) ? 1 : 0,
          extra.sourceWasRunning === undefined ? null : extra.sourceWasRunning ? 1 : 0,
          extra.error ?? null,
          this.now().toISOString(),
          id,
        );
      return this.get(id)!;
    });
  }

  /** Notes why the last attempt to finish or undo failed, leaving the entry open for the next. */
  noteError(id: string, error: string): void {
    this.reg.db.prepare('UPDATE handoff_journal SET error = ?, updated_at = ? WHERE id = ?').run(error, this.now().toISOString(), id);
  }
}
