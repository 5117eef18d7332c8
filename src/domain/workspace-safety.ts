import { posix } from 'node:path';

export interface WorkspacePaths {
  /** The cwd as recorded for the session. */
  readonly cwd: string;
  /** Its realpath, or null when it could not be resolved (it may not exist). */
  readonly realCwd: string | null;
  readonly homeDir: string;
  readonly realHome: string | null;
}

function strip(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function isDriveRoot(p: string): boolean {
  return /^[A-Za-z]:[\\/]?$/.test(p);
}

/**
 * Why moving this workspace would be dangerous, or null when it is safe. A workspace at
 * the filesystem root, at the home directory (or `~`), at anything resolving to them, or
 * at a folder that contains the home directory would copy far more than a project, and
 * over a sibling or replace could clobber a whole home on the target.
 */
export function unsafeWorkspaceReason(p: WorkspacePaths): string | null {
  if (p.cwd.trim() === '~' || p.cwd.startsWith('~/') && strip(p.cwd.slice(1)) === '/') {
    return 'the workspace is `~`, your home directory';
  }
  const candidates = [p.cwd, p.realCwd].filter((x): x is string => !!x);
  const homes = [p.homeDir, p.realHome].filter((x): x is string => !!x).map(strip);
  for (const c of candidates) {
    if (isDriveRoot(c)) return 'the workspace is a drive root';
    const s = strip(c);
    if (s === '/') return 'the workspace is the filesystem root';
    if (homes.includes(s)) return c === p.cwd ? 'the workspace is your home directory' : `the workspace resolves to your home directory (${s})`;
    if (homes.some((h) => h.startsWith(s + '/'))) return `the workspace ${s} contains your home directory`;
  }
  return null;
}

/** Paths to try, in order, when the target path exists and the policy is `sibling`. */
export function* siblingCandidates(targetPath: string): Generator<string> {
  const base = strip(targetPath);
  for (let n = 2; n < 1000; n++) yield `${base}-${n}`;
}
