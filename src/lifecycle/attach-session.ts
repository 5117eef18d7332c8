import { HappierError } from '../domain/errors.js';
import type { Session } from '../domain/session.js';
import { attachPlan, type AttachPlan } from '../../shell/attach-plan.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { isRunning, otherOwner, recordedServer } from './session-facts.js';

/** Gathers the facts about `session` and asks the pure planner how to reach it. */
export async function planAttach(deps: LifecycleDeps, session: Session): Promise<AttachPlan> {
  const server = session.terminal?.kind === 'tmux' ? recordedServer(deps, session.terminal) : deps.tmux;
  return attachPlan({
    sessionId: session.id,
    terminal: session.terminal,
    ownedHere: session.ownerMachineId === deps.selfMachineId,
    owner: otherOwner(deps, session),
    running: await isRunning(deps, session),
    tmux: { bin: server.bin, socketPath: server.socket ?? deps.tmuxSocketPath },
    enclosingTmuxSocket: deps.enclosingTmuxSocket,
  });
}

/**
 * Carries out the attach plan for a session. `attach` takes this terminal until the user
 * detaches; `switch` moves the tmux client happier runs in and returns at once.
 */
export async function attachSession(
  deps: LifecycleDeps,
  selector: string,
  opts: { hasTerminal: boolean },
): Promise<{ session: Session; plan: AttachPlan }> {
  const session = deps.sessions.resolve(selector);
  const plan = await planAttach(deps, session);
  await carryOut(deps, session, plan, opts);
  return { session, plan };
}

export async function carryOut(
  deps: LifecycleDeps,
  session: Session,
  plan: AttachPlan,
  opts: { hasTerminal: boolean },
): Promise<void> {
  if (plan.kind === 'not-attachable') throw refusal(plan);
  const short = session.id.slice(0, 8);
  const switching = plan.kind === 'tmux' && plan.mode === 'switch';
  if (!switching && !opts.hasTerminal) {
    throw new HappierError('NOT_ATTACHABLE', `attaching to ${short} needs a terminal, and this is not one`, {
      hint: `run \`happier attach ${short}\` in a terminal`,
      details: { reason: 'no-terminal' },
    });
  }
  const now = deps.clock.now().toISOString();
  deps.sessions.update(session.id, (s) => ({ ...s, lastActivityAt: now }));
  if (switching) {
    const res = await deps.runner.run(plan.bin, plan.args, { env: deps.env, timeoutMs: 10_000 });
    if (res.code !== 0) throw tmuxFailed(short, res.stderr);
    return;
  }
  const { code } = await deps.onTerminal(plan.bin, plan.args);
  if (code !== 0 && plan.kind === 'tmux') throw tmuxFailed(short, `exit ${code}`);
}

export function refusal(plan: Extract<AttachPlan, { kind: 'not-attachable' }>): HappierError {
  return new HappierError(plan.reason === 'other-owner' ? 'NOT_OWNER' : 'NOT_ATTACHABLE', plan.message, {
    hint: plan.hint,
    details: { reason: plan.reason },
  });
}

function tmuxFailed(short: string, why: string): HappierError {
  return new HappierError('TMUX_FAILED', `tmux could not attach to ${short}: ${why.trim()}`, {
    hint: `check \`happier session show ${short}\`; the session may have just ended`,
  });
}
