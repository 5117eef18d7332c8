import { isActive } from '../domain/session-view.js';
import type { Session } from '../domain/session.js';
import { listPanes, liveSessionNames } from '../../shell/tmux/tmux-server.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

/** The owning machine when it is not this one, as the refusals and attach plans need it. */
export function otherOwner(deps: LifecycleDeps, s: Session): { name: string; sshTarget: string | null } | null {
  if (s.ownerMachineId === deps.selfMachineId) return null;
  const m = deps.machines.get(s.ownerMachineId);
  return { name: m?.name ?? s.ownerMachineId, sshTarget: m?.sshTarget ?? null };
}

/** Whether the session's provider runs now, by the same rule `session list` uses. */
export async function isRunning(deps: LifecycleDeps, s: Session): Promise<boolean> {
  if (s.ownerMachineId !== deps.selfMachineId || s.terminal?.kind !== 'tmux') return false;
  return isActive(s, deps.selfMachineId, liveSessionNames(await listPanes(deps.runner, deps.tmux)));
}
