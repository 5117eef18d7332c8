import type { Agent } from './agent.js';
import type { DirectSession } from './session.js';

/**
 * The port through which provider scans remember what they read; the registry
 * implements it, so it lives here where both can see it.
 */
/** One cached scan result per transcript file, kept in the registry between runs. */
export interface ScanCacheEntry {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Byte offset up to which the file has been read; a grown file is read from here. */
  readonly offset: number;
  /** Provider-specific summary state (title candidates, counts), JSON-serialisable. */
  readonly state: unknown;
  readonly session: DirectSession | null;
}

export interface ScanCache {
  get(path: string): ScanCacheEntry | undefined;
  put(entry: ScanCacheEntry): void;
  /** Drops entries under `root` whose paths were not seen in the latest scan. */
  prune(agent: Agent, seen: ReadonlySet<string>): void;
}
