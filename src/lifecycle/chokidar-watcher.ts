import { watch } from 'chokidar';
import type { Stats } from 'node:fs';
import { relative, sep } from 'node:path';
import type { FileWatcher } from './lifecycle-deps.js';

/**
 * What in a provider root can announce a new session: Codex's `sessions/` tree of
 * rollouts and the SQLite files (OpenCode's database, Codex's index) at the top. The rest
 * (OpenCode's git snapshots, logs, caches) can be large, so it is never descended into.
 */
export function isIrrelevant(root: string, path: string, stats?: Stats): boolean {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..')) return false;
  if (rel === 'sessions' || rel.startsWith(`sessions${sep}`)) return false;
  if (stats?.isDirectory()) return true;
  return rel.includes(sep) || !/\.(db|sqlite)(-wal|-journal)?$/.test(rel);
}

export const chokidarWatcher: FileWatcher = {
  watch(root, onEvent) {
    const watcher = watch(root, {
      ignoreInitial: true,
      depth: 5,
      ignored: (path: string, stats?: Stats) => isIrrelevant(root, path, stats),
    });
    watcher.on('all', () => onEvent());
    // A root that vanishes or cannot be read leaves the poll to do the work.
    watcher.on('error', () => {});
    return () => watcher.close();
  },
};
