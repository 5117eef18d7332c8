import { isActive } from '../domain/session-view.js';
import type { Session, TmuxTerminal } from '../domain/session.js';
import { recordedSocket } from '../domain/tmux-liveness.js';
import { askTmuxServers } from '../../shell/tmux/tmux-liveness.js';
import type { TmuxServer } from '../../shell/tmux/tmux-server.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

/** The owning machine when it is not this one, as the refusals and attach plans need it. */
export function otherOwner(deps: LifecycleDeps, s: Session): { name: string; sshTarget: string | null } | null {
  if (s.ownerMachineId === deps.selfMachineId) return null;
  const m = deps.machines.get(s.ownerMachineId);
  return { name: m?.name ?? s.ownerMachineId, sshTarget: m?.sshTarget ?? null };
}

/** The tmux server a session's pane was started on, whatever this shell's $TMUX_TMPDIR says. */
export function recordedServer(deps: LifecycleDeps, t: TmuxTerminal): TmuxServer {
  return { bin: deps.tmux.bin, socket: recordedSocket(t, deps.tmuxSocketPath) };
}

/** Whether the session's provider runs now, by the same rule `session list` uses. */
export async function isRunning(deps: LifecycleDeps, s: Session): Promise<boolean> {
  if (s.ownerMachineId !== deps.selfMachineId || s.terminal?.kind !== 'tmux') return false;
  const socket = recordedSocket(s.terminal, deps.tmuxSocketPath);
  return isActive(s, deps.selfMachineId, await askTmuxServers(deps.runner, deps.tmux.bin, [socket], deps.tmuxSocketPath));
}
