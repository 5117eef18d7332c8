import { type Dirent, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { checkPeerPath } from '../../domain/path-safety.js';
import { readGitIgnoreSources, type Env } from './git-config.js';
import { TreeIgnore, WalkScope } from './ignore-rules.js';
import type { FileEntry, SkippedEntry, SkippedKind } from './protocol.js';

export interface FileListOptions {
  /** Apply git's ignore rules (default true). false sends everything. */
  readonly ignoreRules?: boolean;
  /** Globs (picomatch, dot files included) that bring ignored paths back: `dist/**`, `.env.local`. */
  readonly include?: readonly string[];
  /** Where HOME, XDG_CONFIG_HOME and GIT_CONFIG_* come from (default: process.env). */
  readonly env?: Env;
}

export interface FileList {
  /** Parents before children, siblings sorted. */
  readonly entries: FileEntry[];
  readonly skipped: SkippedEntry[];
  readonly rules: TreeIgnore;
  readonly root: { readonly mode: number; readonly mtimeMs: number };
}

/** The whole list at once; see startFileList to stream it while walking. */
export function buildFileList(root: string, opts: FileListOptions = {}): FileList {
  const walk = startFileList(root, opts);
  for (const _ of walk.entries()) {
    // Drained: the list fills as the walk goes.
  }
  return walk.list;
}

export interface FileListWalk {
  /** Fills as `entries()` is iterated; `rules` and `skipped` are final once it is done. */
  readonly list: FileList;
  /** The entries in list order (parents first), each appended to `list.entries` as it comes. */
  entries(): Generator<FileEntry>;
}

/**
 * Walks the source tree without following symlinks, so the sender can send the list while
 * it is still walking. Uses synchronous lstat in a tight loop: for tens of thousands of
 * entries it is several times faster than one awaited call each.
 */
export function startFileList(root: string, opts: FileListOptions = {}): FileListWalk {
  const absRoot = resolve(root);
  const rootStat = lstatSync(absRoot);
  const useRules = opts.ignoreRules ?? true;
  const env = opts.env ?? process.env;
  const sources = useRules ? readGitIgnoreSources(absRoot, env) : undefined;
  const prefix = sources?.repoRoot ? relative(sources.repoRoot, absRoot).split(sep).join('/') : '';
  const rules = new TreeIgnore(prefix, opts.include ?? [], sources?.ignoreCase ?? false, useRules);
  if (sources) {
    rules.addLayer('', sources.globalExcludes);
    rules.addLayer('', sources.infoExclude);
    // .gitignore files above the synced root still speak for it when it sits inside a repository.
    if (sources.repoRoot && prefix) {
      const parts = prefix.split('/');
      for (let i = 0; i < parts.length; i++) {
        const base = parts.slice(0, i).join('/');
        rules.addLayer(base, readText(join(sources.repoRoot, base, '.gitignore')));
      }
    }
  }

  const entries: FileEntry[] = [];
  const skipped: SkippedEntry[] = [];
  /** Directories inside ignored ones, listed only once something under them comes back. */
  const pending: FileEntry[] = [];

  function* emit(e: FileEntry): Generator<FileEntry> {
    if (pending.length) {
      const ready = pending.splice(0);
      for (const p of ready) {
        entries.push(p);
        yield p;
      }
    }
    entries.push(e);
    yield e;
  }

  function* walk(dirAbs: string, dirRel: string, scope: WalkScope): Generator<FileEntry> {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dirAbs, { withFileTypes: true });
    } catch {
      skipped.push({ path: dirRel, kind: 'unreadable' });
      return;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (scope === WalkScope.Rules && useRules && dirents.some((d) => d.name === '.gitignore' && !d.isDirectory())) {
      const base = prefix ? (dirRel ? `${prefix}/${dirRel}` : prefix) : dirRel;
      rules.addLayer(base, readText(join(dirAbs, '.gitignore')));
    }
    for (const d of dirents) {
      const rel = dirRel ? `${dirRel}/${d.name}` : d.name;
      // Names from readdir need no normalising; path.join cost a third of a no-change walk.
      const abs = `${dirAbs}${sep}${d.name}`;
      const isDir = d.isDirectory();
      const childScope = rules.childScope(rel, d.name, isDir, scope);
      if (childScope === undefined) continue;
      if (!checkPeerPath(rel).ok) {
        // A legal name here (`a\b` on Linux) that a receiver must refuse: one odd name
        // should not fail the whole sync.
        if (childScope !== WalkScope.Ignored) skipped.push({ path: rel, kind: 'unsafe-name' });
        continue;
      }
      let st: Stats;
      try {
        st = lstatSync(abs);
      } catch {
        continue; // vanished between readdir and lstat
      }
      const special = specialKind(st);
      if (special) {
        if (childScope !== WalkScope.Ignored) skipped.push({ path: rel, kind: special });
        continue;
      }
      const entry = toEntry(rel, abs, st);
      if (entry === undefined) {
        skipped.push({ path: rel, kind: 'unreadable' });
        continue;
      }
      if (childScope === WalkScope.Ignored) {
        if (isDir) {
          const depth = pending.length;
          pending.push(entry);
          yield* walk(abs, rel, WalkScope.Ignored);
          if (pending.length > depth) pending.length = depth;
        }
        continue;
      }
      yield* emit(entry);
      if (isDir) yield* walk(abs, rel, childScope);
    }
  }

  return {
    list: { entries, skipped, rules, root: { mode: rootStat.mode & 0o7777, mtimeMs: Math.floor(rootStat.mtimeMs) } },
    entries: () => walk(absRoot, '', WalkScope.Rules),
  };
}

function toEntry(rel: string, abs: string, st: Stats): FileEntry | undefined {
  const mtimeMs = Math.floor(st.mtimeMs);
  const mode = st.mode & 0o7777;
  if (st.isFile()) return { path: rel, type: 'file', size: st.size, mtimeMs, mode };
  if (st.isDirectory()) return { path: rel, type: 'dir', size: 0, mtimeMs, mode };
  if (st.isSymbolicLink()) {
    try {
      return { path: rel, type: 'symlink', size: 0, mtimeMs, mode, target: readlinkSync(abs) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function specialKind(st: Stats): SkippedKind | undefined {
  if (st.isSocket()) return 'socket';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'char-device';
  if (st.isBlockDevice()) return 'block-device';
  return undefined;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
