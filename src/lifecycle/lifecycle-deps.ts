import type { Agent } from '../domain/agent.js';
import type { HappierError } from '../domain/errors.js';
import type { ProcessRunner } from '../domain/process-runner.js';
import type { Session } from '../domain/session.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import type { MachinesRepo } from '../store/machines-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { SettingsRepo } from '../store/settings-repo.js';
import type { TmuxServer } from '../../shell/tmux/tmux-server.js';

/** Calls `onEvent` whenever something under `root` changes; the result stops watching. */
export interface FileWatcher {
  watch(root: string, onEvent: () => void): () => Promise<void>;
}

/** Finds the vendor id of a session that a just-started provider created in `cwd` after `since`. */
export type NewSessionFinder = (
  agent: Agent,
  ctx: ProviderContext,
  query: { readonly cwd: string; readonly since: Date },
) => Promise<string | null>;

export interface LifecycleClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** How long the lifecycle waits for things; tests shorten them through the environment. */
export interface LifecycleTiming {
  /** A provider that exits within this long after a start has failed. */
  readonly startWatchMs: number;
  /** How long `new` watches the provider root for the vendor id of Codex and OpenCode. */
  readonly vendorIdTimeoutMs: number;
  /** How long each polite step of `stop` waits before the next, harder one. */
  readonly stopStepMs: number;
}

/** Everything the session lifecycle needs from the world, passed in by the CLI, TUI or handoff. */
export interface LifecycleDeps {
  readonly sessions: SessionsRepo;
  readonly machines: MachinesRepo;
  readonly settings: SettingsRepo;
  readonly selfMachineId: string;
  /**
   * Throws NOT_OWNER when a sync server knows that another machine took the session since
   * this registry last heard; returns quietly without a server or when it does not answer.
   */
  readonly confirmOwnership: (session: Session) => Promise<void>;
  readonly loadProvider: (agent: Agent) => Promise<Provider>;
  /** Which of these sessions have no conversation on disk yet (conversation-presence.ts). */
  readonly withoutConversation: (sessions: readonly Session[]) => Promise<ReadonlySet<string>>;
  readonly findNewSession: NewSessionFinder;
  readonly providerContext: ProviderContext;
  /** Runs tmux (and nothing interactive). */
  readonly runner: ProcessRunner;
  readonly tmux: TmuxServer;
  /** The path of happier's tmux socket, resolved, to compare with $TMUX's. */
  readonly tmuxSocketPath: string;
  /** The socket of the tmux server this process runs inside ($TMUX), resolved; null outside tmux. */
  readonly enclosingTmuxSocket: string | null;
  /** The environment the provider gets, and in which happier itself runs ($TMUX). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs a program on this process's terminal until it exits (tmux attach, wt.exe, ssh -t). */
  readonly onTerminal: (bin: string, args: readonly string[], opts?: { keepStderr?: boolean }) => Promise<{ code: number; stderr: string }>;
  readonly clock: LifecycleClock;
  readonly watcher: FileWatcher;
  readonly isDirectory: (path: string) => boolean;
  /** Why the provider CLI would stop at its own first-run or login dialog with `env`, or null (claude-setup.ts). */
  readonly setupProblem: (agent: Agent, env: Readonly<Record<string, string | undefined>>) => HappierError | null;
  /** The path `name` would run as in `env` (like `command -v`), or null. */
  readonly findExecutable: (name: string, env: Readonly<Record<string, string | undefined>>) => string | null;
  readonly newId: () => string;
  readonly timing: LifecycleTiming;
}

const DEFAULT_TIMING: LifecycleTiming = { startWatchMs: 3_000, vendorIdTimeoutMs: 20_000, stopStepMs: 3_000 };

/** HAPPIER_START_WATCH_MS, HAPPIER_VENDOR_ID_TIMEOUT_MS and HAPPIER_STOP_STEP_MS override the defaults. */
export function timingFromEnv(env: Readonly<Record<string, string | undefined>>): LifecycleTiming {
  const ms = (name: string, fallback: number) => {
    const n = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return {
    startWatchMs: ms('HAPPIER_START_WATCH_MS', DEFAULT_TIMING.startWatchMs),
    vendorIdTimeoutMs: ms('HAPPIER_VENDOR_ID_TIMEOUT_MS', DEFAULT_TIMING.vendorIdTimeoutMs),
    stopStepMs: ms('HAPPIER_STOP_STEP_MS', DEFAULT_TIMING.stopStepMs),
  };
}
