import type { Agent, Backend } from './agent.js';

/** Where a running session can be reached, recorded when happier launched it. */
export type TerminalRecord =
  | { readonly kind: 'tmux'; readonly sessionName: string; readonly socket: string | null }
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
