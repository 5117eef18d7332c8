import type { ProcessRunner } from '../../src/domain/process-runner.js';
import type { LiveTmux, LiveTmuxServer } from '../../src/domain/tmux-liveness.js';
import { listPanes, liveSessionNames, type PaneInfo } from './tmux-server.js';

export function liveServerOf(panes: readonly PaneInfo[]): LiveTmuxServer {
  return { identity: panes[0]?.server ?? null, liveSessions: liveSessionNames(panes) };
}

/**
 * Asks each tmux server in `sockets` for its panes, all at once. A socket with no server
 * behind it is left out, which makes every session recorded on it inactive.
 */
export async function askTmuxServers(
  runner: ProcessRunner,
  bin: string,
  sockets: readonly string[],
  defaultSocket: string,
): Promise<LiveTmux> {
  const answers = await Promise.all(sockets.map(async (socket) => [socket, await listPanes(runner, { bin, socket })] as const));
  const servers = new Map<string, LiveTmuxServer>();
  for (const [socket, panes] of answers) if (panes.length > 0) servers.set(socket, liveServerOf(panes));
  return { defaultSocket, servers };
}
