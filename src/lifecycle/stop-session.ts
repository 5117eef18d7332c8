import type { Session } from '../domain/session.js';
import { runStopPlan, stopPlan, tmuxStopOps, type StopOutcome } from '../../shell/tmux/tmux-stop.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { quitKeys } from './quit-keys.js';
import { notOwner } from './resume-checks.js';
import { otherOwner, recordedServer } from './session-facts.js';

/**
 * Stops a session's provider: its own quit keys, then SIGINT, then closing the tmux
 * session. Stopping one that is not running is not an error.
 */
export async function stopSession(deps: LifecycleDeps, selector: string): Promise<{ session: Session; outcome: StopOutcome }> {
  const session = deps.sessions.resolve(selector);
  if (session.ownerMachineId !== deps.selfMachineId) throw notOwner(session, otherOwner(deps, session), 'stop');
  if (session.terminal?.kind !== 'tmux') return { session, outcome: 'not-running' };
  const t = session.terminal;
  const outcome = await runStopPlan(
    stopPlan(quitKeys(session.agent), deps.timing.stopStepMs),
    tmuxStopOps(deps.runner, recordedServer(deps, t), t.sessionName, t.server),
  );
  if (outcome === 'not-running') return { session, outcome };
  const now = deps.clock.now().toISOString();
  return { session: deps.sessions.update(session.id, (s) => ({ ...s, lastActivityAt: now })), outcome };
}
