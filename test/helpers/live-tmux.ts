import type { LiveTmux } from '../../src/domain/tmux-liveness.js';

/** Live tmux sessions on the default server, for views of records that name no socket. */
export function liveOnDefaultServer(names: readonly string[]): LiveTmux {
  const defaultSocket = '/tmp/tmux-1000/default';
  return { defaultSocket, servers: new Map([[defaultSocket, { identity: null, liveSessions: new Set(names) }]]) };
}
