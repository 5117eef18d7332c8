import type BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { HappierError } from '../domain/errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';

export type Db = BetterSqlite3.Database;

export interface Registry {
  readonly db: Db;
  readonly path: string;
  readonly home: string;
  readonly machineId: string;
  /** Runs `fn` in a write transaction taken up front, so a read-modify-write cannot lose an update. */
  write<T>(fn: () => T): T;
  close(): void;
}

export const REGISTRY_FILE = 'registry.db';
const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Opens (creating on first use) the registry in `home`. It never creates a database over
 * an existing file it cannot read: that file may be the user's only record of their sessions.
 */
export function openRegistry(home: string, opts: { machineName?: string; clock?: () => Date } = {}): Registry {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, REGISTRY_FILE);
  checkExistingFile(path);

  let db: Db;
  try {
    db = new (driver())(path, { timeout: 10_000, nativeBinding: nativeBinding() });
  } catch (err) {
    throw registryError(path, err);
  }
  try {
    // The version is read before anything is written, so a newer registry is left byte for byte alone.
    checkNotNewer(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    const machineId = ensureIdentity(db, opts.machineName ?? hostname(), (opts.clock ?? (() => new Date()))());
    const write = <T>(fn: () => T): T => db.transaction(fn).immediate();
    return { db, path, home, machineId, write, close: () => db.close() };
  } catch (err) {
    db.close();
    if (err instanceof HappierError) throw err;
    throw registryError(path, err);
  }
}

/**
 * The driver, loaded as the CommonJS package it is: importing it as ESM makes Node scan
 * its source for export names and resolve it the slower ESM way, at every start-up.
 */
function driver(): typeof BetterSqlite3 {
  return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
}

/**
 * The addon's path, found directly: better-sqlite3's own lookup probes a dozen
 * locations and costs more start-up time than the query that follows.
 */
function nativeBinding(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
}

function checkExistingFile(path: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) {
      throw new HappierError('REGISTRY_UNREADABLE', `the registry ${path} is not a regular file`, {
        hint: `move it aside (\`mv ${path} ${path}.old\`); happier will not replace it`,
      });
    }
    size = st.size;
  } catch (err) {
    if (err instanceof HappierError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw registryError(path, err);
  }
  if (size === 0) return;
  const header = Buffer.alloc(16);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw registryError(path, err);
  }
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_MAGIC) {
    throw corrupt(path);
  }
}

function corrupt(path: string): HappierError {
  return new HappierError('REGISTRY_CORRUPT', `the registry ${path} is not a valid database`, {
    hint: `happier left it untouched; restore it from a backup, or move it aside (\`mv ${path} ${path}.broken\`) to start a new registry`,
    details: { path },
  });
}

function registryError(path: string, err: unknown): HappierError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) return corrupt(path);
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY')) {
    return new HappierError('REGISTRY_UNREADABLE', `cannot open the registry ${path}: ${(err as Error).message}`, {
      hint: `check the owner and permissions of HAPPIER_HOME and the files in it: \`ls -la ${dirname(path)}\``,
      details: { path },
      cause: err,
    });
  }
  return new HappierError('REGISTRY_UNREADABLE', `cannot use the registry ${path}: ${(err as Error).message}`, {
    hint: 'run `happier doctor`; set HAPPIER_DEBUG=1 for details',
    details: { path },
    cause: err,
  });
}

function checkNotNewer(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_VERSION) {
    throw new HappierError(
      'REGISTRY_TOO_NEW',
      `the registry ${path} was written by a newer happier (schema ${version}, this one knows ${LATEST_VERSION})`,
      { hint: 'upgrade happier on this machine, or point HAPPIER_HOME at another folder; the registry was left as it is', details: { path, version } },
    );
  }
}

function migrate(db: Db, path: string): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() === LATEST_VERSION) return;
  // Another process may migrate at the same moment; the write lock serialises them and
  // the version is read again under it.
  db.transaction(() => {
    checkNotNewer(db, path);
    const from = current();
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

function ensureIdentity(db: Db, name: string, now: Date): string {
  const read = () =>
    (db.prepare(`SELECT value FROM identity WHERE key = 'machine_id'`).get() as { value: string } | undefined)?.value;
  const existing = read();
  if (existing) return existing;
  return db.transaction(() => {
    const again = read();
    if (again) return again;
    const id = randomUUID();
    db.prepare(`INSERT INTO identity (key, value) VALUES ('machine_id', ?)`).run(id);
    let unique = name;
    for (let n = 2; db.prepare(`SELECT 1 FROM machines WHERE name = ?`).get(unique); n++) unique = `${name}-${n}`;
    db.prepare(`INSERT INTO machines (id, name, is_self, created_at) VALUES (?, ?, 1, ?)`).run(
      id,
      unique,
      now.toISOString(),
    );
    return id;
  }).immediate();
}
