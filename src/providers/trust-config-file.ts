/**
 * The one way happier edits a provider's own config file (Claude's `.claude.json`,
 * Codex's `config.toml`) to carry folder trust: under the provider's lock, read, change in
 * memory, write a temporary file in the same directory with the old file's mode, fsync,
 * rename over. A running provider never sees half a file, and every byte happier did not
 * mean to change stays as it was.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HappierError } from '../domain/errors.js';

export interface ConfigText {
  readonly text: string;
  readonly mode: number;
}

/** What an edit wants done: write this text, delete the file, or leave it alone. */
export type ConfigChange = { readonly write: string } | { readonly remove: true } | null;

/** The file system as a trust edit sees it; tests may pass another. */
export interface ConfigFileIO {
  /** The file's text and permission bits, or null when it does not exist. */
  read(path: string): ConfigText | null;
  /** Replaces the file in one rename (temporary file in the same directory, fsynced). */
  replace(path: string, text: string, mode: number): void;
  remove(path: string): void;
  /** Takes the provider's lock on `path`; the returned function releases it. */
  lock(path: string): () => void;
}

/**
 * Claude guards `.claude.json` with proper-lockfile: a directory `<file>.lock` whose mtime
 * is refreshed while held, and seen as stale after 10 s. Taking the same lock keeps a
 * running Claude from writing its cached copy over this edit in the same instant.
 */
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 3_000;
const LOCK_POLL_MS = 25;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A symlinked config (dotfiles repos do this) is edited where it really lives. */
function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export const realConfigFiles: ConfigFileIO = {
  read(path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw unreadable(path, (err as Error).message);
    }
    return { text, mode: statSync(path).mode & 0o7777 };
  },
  replace(path, text, mode) {
    const real = resolved(path);
    mkdirSync(dirname(real), { recursive: true, mode: 0o700 });
    const tmp = join(dirname(real), `.${basename(real)}.happier-${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      // The umask must not widen or narrow what the user set on the file.
      fchmodSync(fd, mode);
      const data = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(tmp);
      throw err;
    }
    closeSync(fd);
    try {
      renameSync(tmp, real);
    } catch (err) {
      unlinkSync(tmp);
      throw err;
    }
  },
  remove(path) {
    try {
      unlinkSync(resolved(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  },
  lock(path) {
    const lockDir = `${resolved(path)}.lock`;
    mkdirSync(dirname(lockDir), { recursive: true, mode: 0o700 });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        mkdirSync(lockDir);
        return () => {
          try {
            rmdirSync(lockDir);
          } catch {
            // already released by a stale-lock breaker; nothing of ours is in it
          }
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unreadable(path, (err as Error).message);
      }
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) {
        try {
          rmdirSync(lockDir);
        } catch {
          // someone else broke it first
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new HappierError('PROVIDER_CONFIG', `${path} stays locked by another process`, {
          hint: `another ${basename(path)} writer holds ${lockDir}; retry when it is done, or remove the lock if no provider runs`,
          details: { path, lock: lockDir },
        });
      }
      sleep(LOCK_POLL_MS);
    }
  },
};

export function unreadable(path: string, why: string): HappierError {
  return new HappierError('PROVIDER_CONFIG', `${path} cannot be read safely: ${why}`, {
    hint: `fix or move ${path} by hand; happier left it untouched`,
    details: { path },
  });
}

/**
 * Runs `edit` on the file's current text under the lock and carries out its change. The
 * edit sees null for a missing file; `beforeWrite` runs after the change is decided and
 * before it lands, so a journal can hold the intent first.
 */
export function editConfigFile<T>(
  io: ConfigFileIO,
  path: string,
  edit: (current: ConfigText | null) => { change: ConfigChange; result: T },
  beforeWrite: (result: T) => void = () => undefined,
): T {
  const release = io.lock(path);
  try {
    const current = io.read(path);
    const { change, result } = edit(current);
    if (change === null) return result;
    beforeWrite(result);
    if ('write' in change) io.replace(path, change.write, current?.mode ?? 0o600);
    else io.remove(path);
    return result;
  } finally {
    release();
  }
}
