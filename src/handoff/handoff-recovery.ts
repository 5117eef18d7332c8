/**
 * Finishes or undoes handoffs that a crash or a cut connection left open, by the plan the
 * journal's last recorded step implies (recoveryPlan). Run by the next handoff, resume or
 * session command, by `happier handoff --recover`, and offered by `happier doctor`.
 */
import { HappierError } from '../domain/errors.js';
import { recoveryPlan } from '../domain/handoff-journal.js';
import type { JournalRow } from '../store/handoff-journal-repo.js';
import type { HandoffDeps } from './handoff-deps.js';
import { stillRunning } from './process-liveness.js';
import { abortOnTarget, commitOnSource, finalizeOnTarget, restartSource, targetMachine } from './handoff-steps.js';

export interface RecoveryOutcome {
  readonly handoffId: string;
  readonly sessionId: string;
  readonly target: string;
  /** What was done: the handoff completed, undone, or still open because something failed. */
  readonly result: 'finished' | 'undone' | 'open';
  readonly message: string;
}

export async function recoverHandoff(deps: HandoffDeps, row: JournalRow): Promise<RecoveryOutcome> {
  const plan = recoveryPlan(row);
  const out = (result: RecoveryOutcome['result'], message: string): RecoveryOutcome => ({
    handoffId: row.id,
    sessionId: row.sessionId,
    target: row.plan.targetName,
    result,
    message,
  });
  if (plan.kind === 'nothing') return out(row.step === 'finished' ? 'finished' : 'undone', 'nothing left to do');
  try {
    const machine = targetMachine(deps, row);
    if (plan.kind === 'finish') {
      if (plan.commitSource) {
        const peer = await deps.connect(machine).catch(() => null);
        await commitOnSource(deps, row, peer);
      }
      await finalizeOnTarget(deps, deps.journal.get(row.id)!, await deps.connect(machine));
      return out('finished', `the session now belongs to ${machine.name}`);
    }
    await abortOnTarget(await deps.connect(machine), row.id);
    const note = plan.restartSource && row.plan.directMode === null ? await restartSource(deps, row.sessionId) : null;
    deps.journal.advance(row.id, 'rolled-back');
    return out('undone', `the session stays on this machine${note ? ` (${note})` : ''}`);
  } catch (err) {
    const msg = (err as Error)?.message ?? String(err);
    deps.journal.noteError(row.id, msg);
    return out('open', msg);
  }
}

/** Open entries whose handoff is not running right now in another happier process. */
export function interruptedHandoffs(open: readonly JournalRow[]): JournalRow[] {
  return open.filter((r) => !stillRunning(r.plan.runner));
}

/** Every open journal entry, each finished or undone; the query is one indexed lookup when there are none. */
export async function recoverOpenHandoffs(deps: HandoffDeps, only?: ReadonlySet<string>): Promise<RecoveryOutcome[]> {
  const open = interruptedHandoffs(deps.journal.openEntries()).filter((r) => !only || only.has(r.id));
  const outcomes: RecoveryOutcome[] = [];
  for (const row of open) outcomes.push(await recoverHandoff(deps, row));
  return outcomes;
}

export async function recoverById(deps: HandoffDeps, id: string): Promise<RecoveryOutcome> {
  const matches = deps.journal.openEntries().filter((r) => r.id === id || r.id.startsWith(id));
  const row = matches.length === 1 ? matches[0] : deps.journal.get(id);
  if (!row) {
    throw new HappierError('NOT_FOUND', `no interrupted handoff ${id}`, { hint: '`happier doctor` lists the handoffs that need recovery' });
  }
  if (stillRunning(row.plan.runner)) {
    throw new HappierError('CONFLICT', `handoff ${row.id.slice(0, 8)} is still running (process ${row.plan.runner!.pid})`, {
      hint: 'wait for it to finish; it cleans up after itself',
    });
  }
  const outcome = await recoverHandoff(deps, row);
  if (outcome.result === 'open') {
    throw new HappierError('MACHINE_OFFLINE', `handoff ${row.id.slice(0, 8)} could not be recovered yet: ${outcome.message}`, {
      hint: `retry \`happier handoff --recover ${row.id}\` when ${row.plan.targetName} is reachable`,
    });
  }
  return outcome;
}

