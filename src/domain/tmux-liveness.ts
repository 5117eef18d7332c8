import type { Session, TmuxServerIdentity, TmuxTerminal } from './session.js';

/** One tmux server as a listing found it: its life and the sessions with a live pane. */
export interface LiveTmuxServer {
  readonly identity: TmuxServerIdentity | null;
  readonly liveSessions: ReadonlySet<string>;
}

/**
 * What the tmux servers that sessions were recorded on said, asked once per listing.
 * `defaultSocket` stands in for records that predate recorded sockets.
 */
export interface LiveTmux {
  readonly defaultSocket: string;
  /** By resolved socket path; a server that did not answer is absent. */
  readonly servers: ReadonlyMap<string, LiveTmuxServer>;
}

export const NO_LIVE_TMUX: LiveTmux = { defaultSocket: '', servers: new Map() };

export function recordedSocket(t: TmuxTerminal, defaultSocket: string): string {
  return t.socket ?? defaultSocket;
}

/**
 * A tmux session is live when the server it was recorded on still runs (the same life:
 * a new server on the same socket has lost every pane of the old one) and has a live pane
 * under its name.
 */
export function isTmuxTerminalLive(t: TmuxTerminal, live: LiveTmux): boolean {
  const server = live.servers.get(recordedSocket(t, live.defaultSocket));
  if (!server || !server.liveSessions.has(t.sessionName)) return false;
  if (!t.server || !server.identity) return true;
  return t.server.pid === server.identity.pid && t.server.startTime === server.identity.startTime;
}

/** The sockets worth asking about `sessions`: those of tmux sessions owned here. */
export function socketsToAsk(sessions: readonly Session[], selfMachineId: string, defaultSocket: string): string[] {
  const out = new Set<string>();
  for (const s of sessions) {
    if (s.ownerMachineId === selfMachineId && s.terminal?.kind === 'tmux') out.add(recordedSocket(s.terminal, defaultSocket));
  }
  return [...out];
}
