import { type Dirent, lstatSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Names that tree sync leaves behind only when it is interrupted, and the cleanup the
 * handoff journal and `happier doctor` run for them.
 */
const TEMP_RE = /^\.happier-tmp-[0-9a-f]{12}-\d+$/;
const STAGING_MARK = '.happier-staging-';

export function syncTempName(syncId: string, n: number): string {
  return `.happier-tmp-${syncId}-${n}`;
}

export function isSyncTempName(name: string): boolean {
  return TEMP_RE.test(name);
}

/** The sibling directory a new tree is built in before it is renamed to `dest`. */
export function stagingPathFor(dest: string, syncId: string): string {
  return `${resolve(dest)}${STAGING_MARK}${syncId}`;
}

export interface LeftoverCleanup {
  readonly removedStagingDirs: readonly string[];
  readonly removedTempFiles: readonly string[];
}

/**
 * Removes what an interrupted sync into `dest` left: staging directories beside it and
 * temporary files inside it. Never follows symlinks. Do not call it while a sync into
 * `dest` is running.
 */
export function cleanupSyncLeftovers(dest: string): LeftoverCleanup {
  const abs = resolve(dest);
  const parent = dirname(abs);
  const prefix = `${basename(abs)}${STAGING_MARK}`;
  const removedStagingDirs: string[] = [];
  const removedTempFiles: string[] = [];
  let siblings: string[] = [];
  try {
    siblings = readdirSync(parent);
  } catch {
    siblings = [];
  }
  for (const name of siblings) {
    if (name.startsWith(prefix) && /^[0-9a-f]{12}$/.test(name.slice(prefix.length))) {
      const p = join(parent, name);
      rmSync(p, { recursive: true, force: true });
      removedStagingDirs.push(p);
    }
  }
  const walk = (dir: string): void => {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of dirents) {
      const p = join(dir, d.name);
      if (isSyncTempName(d.name)) {
        rmSync(p, { force: true, recursive: d.isDirectory() });
        removedTempFiles.push(p);
      } else if (d.isDirectory()) walk(p);
    }
  };
  try {
    if (lstatSync(abs).isDirectory()) walk(abs);
  } catch {
    // No destination: nothing inside to clean.
  }
  return { removedStagingDirs, removedTempFiles };
}
