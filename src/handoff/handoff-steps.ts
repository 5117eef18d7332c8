/**
 * The steps that both a live handoff and a recovery take: commit on the source, and
 * finalize or abort on the target. Each is safe to repeat.
 */
import { HappierError, isHappierError } from '../domain/errors.js';
import type { HandoffStep } from '../domain/handoff-journal.js';
import { failpointAction } from '../domain/handoff-target-path.js';
import type { Machine } from '../domain/machine.js';
import type { JournalRow } from '../store/handoff-journal-repo.js';
import type { Peer } from '../transfer/peer-connector.js';
import type { HandoffDeps } from './handoff-deps.js';

/** Records a step, then honours a test failpoint placed right after it. */
export function record(deps: HandoffDeps, id: string, step: HandoffStep, peer: Peer | null, extra: { sourceWasRunning?: boolean } = {}): JournalRow {
  const row = deps.journal.advance(id, step, extra);
  failpoint(deps, step, peer);
  return row;
}

export function failpoint(deps: HandoffDeps, step: HandoffStep, peer: Peer | null): void {
  const action = failpointAction(deps.env, step);
  // Dies the way kill -9 would: no rollback, no cleanup, only what the journal holds.
  if (action === 'exit') process.exit(137);
  if (action === 'cut') peer?.ssh.destroy();
}

export function targetMachine(deps: HandoffDeps, row: JournalRow): Machine {
  const m = deps.machines.get(row.targetMachineId);
  if (!m || !m.sshTarget) {
    throw new HappierError('MACHINE_UNKNOWN', `the target of handoff ${row.id.slice(0, 8)} is no longer a known machine`, {
      hint: 'add it again with `happier machine add`, then run `happier handoff --recover ' + row.id + '`',
    });
  }
  return m;
}

/**
 * Moves ownership on this machine: with a sync server, by compare-and-swap on the epoch
 * first. A CAS that finds the target already at the next epoch is this same commit, seen
 * again after a crash.
 */
export async function commitOnSource(deps: HandoffDeps, row: JournalRow, peer: Peer | null, onSwapped: () => void = () => undefined): Promise<void> {
  if (row.plan.directMode === null) {
    try {
      await deps.commitOwnership(row.sessionId, row.fromEpoch, row.targetMachineId);
    } catch (err) {
      const d = isHappierError(err) ? err.details : {};
      const already = isHappierError(err) && err.code === 'CONFLICT' && d.currentOwnerMachineId === row.targetMachineId && d.currentEpoch === row.fromEpoch + 1;
      if (!already) throw err;
    }
    // From here the server names the target as owner: undoing is no longer an option.
    onSwapped();
  }
  deps.registry.write(() => {
    if (row.plan.directMode === null) {
      const at = deps.now().toISOString();
      deps.sessions.update(row.sessionId, (s) => ({
        ...s,
        ownerMachineId: row.targetMachineId,
        ownerEpoch: row.fromEpoch + 1,
        cwd: row.plan.targetPath ?? s.cwd,
        terminal: null,
        updatedAt: at,
      }));
    }
    deps.journal.advance(row.id, 'committed');
  });
  failpoint(deps, 'committed', peer);
}

export async function finalizeOnTarget(deps: HandoffDeps, row: JournalRow, peer: Peer): Promise<void> {
  await peer.agent.endpoint.call('handoff.finalize', { handoffId: row.id });
  record(deps, row.id, 'finished', peer);
}

export async function abortOnTarget(peer: Peer, handoffId: string): Promise<void> {
  await peer.agent.endpoint.call('handoff.abort', { handoffId });
}

/** Restarts the session on the source when it was running before the handoff stopped it. */
export async function restartSource(deps: HandoffDeps, sessionId: string): Promise<string | null> {
  try {
    const { resumeSession } = await import('../lifecycle/resume-session.js');
    await resumeSession(await deps.lifecycle(), sessionId);
    return null;
  } catch (err) {
    return `the session could not be restarted here: ${(err as Error).message}`;
  }
}
