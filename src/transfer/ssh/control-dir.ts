/**
 * Where happier's ControlMaster sockets live: a directory only this user can enter, with
 * a path short enough for a unix socket (sun_path is 104 bytes on macOS, 108 on Linux).
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';

const SUN_PATH_MAX = 104;
/** OpenSSH binds `<ControlPath>.<16 random chars>` first, then renames it into place. */
const OPENSSH_TEMP_SUFFIX = 17;
export const SOCKET_NAME_LENGTH = 12;

/** Candidates in order of preference: the per-user runtime dir, then one of our own in /tmp. */
export function controlDirCandidates(env: Readonly<Record<string, string | undefined>>, uid: number): string[] {
  const fits = (dir: string) => Buffer.byteLength(dir) + 1 + SOCKET_NAME_LENGTH + OPENSSH_TEMP_SUFFIX < SUN_PATH_MAX;
  const out = env.XDG_RUNTIME_DIR?.startsWith('/') ? [join(env.XDG_RUNTIME_DIR, 'happier')] : [];
  return [...out, `/tmp/happier-${uid}`].filter(fits);
}

/** The first candidate that is (or now is) a directory of ours that nobody else can enter. */
export function ensureControlDir(candidates: readonly string[], uid: number): string {
  const problems: string[] = [];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        problems.push(`${dir}: ${(err as Error).message}`);
        continue;
      }
    }
    const st = lstatSync(dir);
    // Someone else's directory (or a symlink) at this path could read or swap our sockets.
    if (!st.isDirectory() || st.uid !== uid) {
      problems.push(`${dir} is not a directory owned by uid ${uid}`);
      continue;
    }
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return dir;
  }
  throw new HappierError('SSH_FAILED', `no private directory for SSH control sockets (${problems.join('; ') || 'no candidate fits a socket path'})`, {
    hint: `set XDG_RUNTIME_DIR to a short directory only you can write${candidates.length ? `, or move ${candidates.join(' and ')} out of the way` : ''}`,
    details: { reason: 'control-dir' },
  });
}
