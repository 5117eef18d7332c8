import type { Agent } from '../domain/agent.js';
import type { ProcessRunner } from '../domain/process-runner.js';
import type { ScanCache } from '../domain/scan-cache.js';
import type { DirectSession } from '../domain/session.js';
import type { KnownExecutables } from '../domain/provider-process.js';
import type { ProviderTrust } from './provider-trust.js';

/**
 * What every provider adapter needs from the world. Roots come from the environment
 * (CLAUDE_CONFIG_DIR, CODEX_HOME, XDG_DATA_HOME, HOME), binaries from the
 * HAPPIER_<AGENT>_BIN overrides, and processes run through `runner`.
 */
export interface ProviderContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly runner: ProcessRunner;
}

export type { ScanCache, ScanCacheEntry } from '../domain/scan-cache.js';

/** Optional extras for a scan; a provider may ignore them. */
export interface DiscoverOptions {
  /** Called as files are scanned, for a progress bar on a TTY. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type MessageRole = 'user' | 'assistant' | 'system' | 'tool';

export interface TranscriptMessage {
  readonly role: MessageRole;
  readonly text: string;
  /** A short summary of tool calls in this message, e.g. `Bash(npm test), Edit(src/a.ts)`. */
  readonly toolSummary: string | null;
  readonly at: string | null;
}

export interface Transcript {
  readonly messages: readonly TranscriptMessage[];
  /** Lines that were not valid records (garbage, truncated), skipped and counted. */
  readonly skippedLines: number;
}

/** A program to start: never a shell string. */
export interface LaunchSpec {
  readonly bin: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface BundleFile {
  /** Path inside the bundle, always relative and `/`-separated. */
  readonly path: string;
  readonly mode: number;
  readonly data: Buffer;
}

/**
 * A provider's state for one session, ready to move to a machine with another HOME and
 * cwd. One function per provider makes it, and one applies it.
 */
export interface StateBundle {
  readonly agent: Agent;
  readonly vendorSessionId: string;
  readonly sourceCwd: string;
  readonly files: readonly BundleFile[];
  /** Provider-specific facts the importer needs (e.g. the original slug or rollout path). */
  readonly meta: Readonly<Record<string, unknown>>;
}

export interface ImportResult {
  readonly vendorSessionId: string;
  /** Files written on this machine, for the handoff journal and for undo. */
  readonly writtenPaths: readonly string[];
}

/** A session whose conversation a provider is asked about: its id, and the cwd it resumes from. */
export interface ConversationSubject {
  readonly vendorSessionId: string;
  readonly cwd: string;
}

/**
 * Whether the provider has each conversation on disk where its own resume looks, by
 * vendor id: true found, false not there (it never got a first message). An id left out
 * could not be checked (a database that is locked, say), and counts as there. Each
 * provider folder exports one as `conversationsOnDisk` from `<agent>-conversations.ts`.
 */
export type ConversationCheck = (ctx: ProviderContext, subjects: readonly ConversationSubject[]) => Promise<ReadonlyMap<string, boolean>>;

export interface Provider {
  readonly agent: Agent;
  /** The provider's data root on this machine. */
  root(ctx: ProviderContext): string;
  /** The CLI to run: the HAPPIER_<AGENT>_BIN override, or the plain command name. */
  binary(ctx: ProviderContext): string;
  /** Whether `id` has this provider's vendor id shape (UUID, `ses_…`). */
  isVendorId(id: string): boolean;
  /** How its running process looks (executable and script names), to tell a live writer from a reader. */
  readonly executables: KnownExecutables;
  /** Per-folder trust the provider asks for before it opens a folder; absent when it has none (OpenCode). */
  readonly trust?: ProviderTrust;
  /** Words its TUI shows once its prompt takes input, so a send knows when to paste. */
  readonly promptMarkers: readonly string[];

  discover(ctx: ProviderContext, cache: ScanCache, opts?: DiscoverOptions): Promise<DirectSession[]>;
  /**
   * Process ids the provider itself records as running this session (Claude keeps
   * `sessions/<pid>.json`); a takeover checks whether any of them is a live provider process. Optional.
   */
  liveClaims?(ctx: ProviderContext, vendorSessionId: string): number[];
  readTranscript(ctx: ProviderContext, vendorSessionId: string, opts?: { lastMessages?: number }): Promise<Transcript>;

  /** A new session. Claude is given its id up front (`--session-id`); others report it later. */
  launchCommand(ctx: ProviderContext, opts: { cwd: string; vendorSessionId?: string; extraArgs?: readonly string[] }): LaunchSpec;
  /** Reopen exactly this conversation; `message` makes it non-interactive. Throws USAGE on a malformed id. */
  resumeCommand(ctx: ProviderContext, opts: { cwd: string; vendorSessionId: string; message?: string }): LaunchSpec;

  exportBundle(ctx: ProviderContext, vendorSessionId: string): Promise<StateBundle>;
  /** Staged, then committed. An existing, different session with the same id is a CONFLICT. */
  importBundle(ctx: ProviderContext, bundle: StateBundle, opts: { targetCwd: string }): Promise<ImportResult>;
}
