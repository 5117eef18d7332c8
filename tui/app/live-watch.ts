import type { Stats } from 'node:fs';
import { basename } from 'node:path';
import type { WatchTarget } from './browser-services.js';

export interface WatchRoots {
  /** HAPPIER_HOME: the registry database and its WAL live there, and every happier process writes them. */
  readonly registryDir: string;
  /** The database's file name; its -wal and -shm siblings count too. */
  readonly registryFile: string;
  /** Provider data roots (Claude's config dir, Codex home, OpenCode's data dir). */
  readonly providerRoots: readonly string[];
}

/** Transcripts, rollouts and provider databases; everything else in a provider root is noise. */
export function isProviderDataFile(path: string): boolean {
  return /\.(jsonl|json|db|sqlite)(-wal|-journal)?$/.test(basename(path));
}

/**
 * Watches the registry and the provider roots with chokidar. Events come in bursts (a
 * SQLite commit touches the WAL many times), so the caller debounces them.
 */
export async function watchForChanges(roots: WatchRoots, onChange: (what: WatchTarget) => void): Promise<() => Promise<void>> {
  const { watch } = await import('chokidar');
  const closers: (() => Promise<void>)[] = [];
  // The directory is watched, not the files: the WAL comes and goes with checkpoints.
  const reg = watch(roots.registryDir, {
    ignoreInitial: true,
    persistent: true,
    depth: 0,
    ignored: (path: string) => path !== roots.registryDir && !basename(path).startsWith(roots.registryFile),
  });
  reg.on('all', () => onChange('registry'));
  reg.on('error', () => {});
  closers.push(() => reg.close());
  if (roots.providerRoots.length) {
    const w = watch([...roots.providerRoots], {
      ignoreInitial: true,
      persistent: true,
      depth: 4,
      ignored: (path: string, stats?: Stats) => !!stats?.isFile() && !isProviderDataFile(path),
    });
    w.on('all', () => onChange('providers'));
    w.on('error', () => {});
    closers.push(() => w.close());
  }
  return async () => {
    await Promise.all(closers.map((c) => c()));
  };
}
