import type { Agent } from '../../src/domain/agent.js';
import type { Settings } from '../../src/domain/settings.js';
import type { BrowserRow, DirectRow, MachineRow, SessionRow } from '../state/browser-rows.js';
import type { PreviewMessage } from '../state/browser-state.js';
import type { HandoffForm, HandoffRequest } from '../state/handoff-form.js';
import type { HandoffEvent } from '../state/handoff-progress.js';

/** Lends the terminal to another program (a tmux client) and takes it back afterwards. */
export interface TerminalLender {
  suspend<T>(run: () => Promise<T>): Promise<T>;
}

/**
 * The handoff coordinator as the browser drives it. Phase events fill the progress view;
 * a thrown HappierError is shown in full.
 */
export interface HandoffRunner {
  /** Resolves once ownership has moved; warnings are things left to tidy after the commit. */
  run(request: HandoffRequest, onEvent: (event: HandoffEvent) => void): Promise<{ warnings: readonly string[] } | void>;
}

export type WatchTarget = 'registry' | 'providers';

/**
 * Everything the browser does to the world, through the same core functions the CLI
 * uses. A failure is a HappierError; one whose feature has not been built yet says so.
 */
export interface BrowserServices {
  readonly selfMachineId: string;
  settings(): Settings;
  loadSessions(): Promise<SessionRow[]>;
  loadDirect(): Promise<DirectRow[]>;
  /** Machines with the statuses last seen: fast. */
  loadMachines(): Promise<MachineRow[]>;
  /** Checks every peer now (slow: an unanswering one takes its timeout), then the rows. */
  checkMachines(): Promise<MachineRow[]>;
  readPreview(row: BrowserRow): Promise<PreviewMessage[]>;

  attach(sessionId: string, terminal: TerminalLender): Promise<string | null>;
  resume(sessionId: string, terminal: TerminalLender): Promise<string | null>;
  newSession(title: string, agent: Agent, terminal: TerminalLender): Promise<string | null>;
  stop(sessionId: string): Promise<string>;
  /** `happier send`: the text as the next user turn, by the same route the CLI takes. */
  send(sessionId: string, text: string): Promise<string>;
  takeover(row: DirectRow): Promise<string>;
  rename(sessionId: string, title: string): Promise<string>;
  setArchived(sessionId: string, archived: boolean): Promise<string>;

  prepareHandoff(row: BrowserRow): Promise<HandoffForm>;
  readonly handoff: HandoffRunner;

  /** Calls back when something the browser shows may have changed; returns a stop function. */
  watch(onChange: (what: WatchTarget) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
