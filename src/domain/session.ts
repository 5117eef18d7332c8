import type { Agent, Backend } from './agent.js';

/** What tells one life of a tmux server from the next one on the same socket. */
export interface TmuxServerIdentity {
  readonly pid: number;
  /** The server's start, in seconds since the epoch. */
  readonly startTime: number;
}

/**
 * Where a session's pane lives. `socket` is the resolved path of its tmux server and
 * `server` that server's life, so liveness is read from the record, never from the
 * caller's $TMUX or $TMUX_TMPDIR. Records from before both were kept have `socket: null`
 * (the default server) and no `server`.
 */
export interface TmuxTerminal {
  readonly kind: 'tmux';
  readonly sessionName: string;
  readonly socket: string | null;
  readonly server?: TmuxServerIdentity;
}

/** Where a running session can be reached, recorded when happier launched it. */
export type TerminalRecord =
  | TmuxTerminal
  | { readonly kind: 'windows-terminal'; readonly wtSession: string; readonly window: string; readonly tab: number };

/** A session that happier owns (a "synced session" in DESIGN.md). */
export interface Session {
  readonly id: string;
  readonly agent: Agent;
  readonly backend: Backend;
  readonly vendorSessionId: string | null;
  readonly title: string;
  readonly cwd: string;
  readonly ownerMachineId: string;
  readonly ownerEpoch: number;
  readonly archived: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastActivityAt: string;
  readonly terminal: TerminalRecord | null;
}

/** What tells which conversation a session has, and whether this machine may look for it. */
export type ConversationCandidate = Pick<Session, 'id' | 'agent' | 'vendorSessionId' | 'cwd' | 'ownerMachineId' | 'archived'>;

export type NewSession = Omit<Session, 'ownerEpoch' | 'archived' | 'terminal'> &
  Partial<Pick<Session, 'ownerEpoch' | 'archived' | 'terminal'>>;

/** A provider-native session found on disk. */
export interface DirectSession {
  readonly agent: Agent;
  readonly vendorSessionId: string;
  readonly cwd: string;
  readonly title: string;
  readonly updatedAt: string;
  readonly sizeBytes: number;
  readonly messageCount: number;
  readonly path: string;
}
