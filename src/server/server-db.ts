import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HappierError } from '../domain/errors.js';

export type ServerDb = Database.Database;
export const SERVER_DB_FILE = 'server.db';

/**
 * The server's own schema, separate from the registry's: one entry per version, never
 * edited once shipped. Times are epoch milliseconds.
 */
const SERVER_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE machines (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id),
        name TEXT NOT NULL,
        ssh_target TEXT,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
      CREATE INDEX machines_account ON machines (account_id);
      CREATE TABLE session_records (
        account_id TEXT NOT NULL REFERENCES accounts (id),
        session_id TEXT NOT NULL,
        owner_machine_id TEXT NOT NULL,
        owner_epoch INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        ciphertext TEXT NOT NULL,
        PRIMARY KEY (account_id, session_id)
      );
      CREATE TABLE codes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('link', 'pair')),
        account_id TEXT NOT NULL REFERENCES accounts (id),
        issuer_machine_id TEXT NOT NULL,
        lookup_hash TEXT NOT NULL,
        verifier TEXT NOT NULL,
        payload TEXT NOT NULL,
        note TEXT,
        status TEXT NOT NULL CHECK (status IN ('issued', 'claimed', 'revoked')),
        failed_proofs INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        claimed_at INTEGER,
        claimed_by TEXT,
        revoked_at INTEGER
      );
      CREATE INDEX codes_lookup ON codes (kind, lookup_hash, created_at);
      CREATE INDEX codes_account ON codes (account_id, kind, created_at);
    `,
  },
  {
    version: 2,
    sql: `
      -- Relayed sends: the request and its result are sealed with the account key; the
      -- server only routes them, by target machine and the sender's send id.
      CREATE TABLE relay_sends (
        account_id TEXT NOT NULL REFERENCES accounts (id),
        send_id TEXT NOT NULL,
        sender_machine_id TEXT NOT NULL,
        target_machine_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        taken_at INTEGER,
        withdrawn_at INTEGER,
        result TEXT,
        result_at INTEGER,
        PRIMARY KEY (account_id, send_id)
      );
      CREATE INDEX relay_inbox ON relay_sends (target_machine_id, result_at);
    `,
  },
];

const LATEST = SERVER_MIGRATIONS[SERVER_MIGRATIONS.length - 1]!.version;

export function openServerDb(dataDir: string): ServerDb {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SERVER_DB_FILE);
  let db: ServerDb;
  try {
    db = new Database(path, { timeout: 10_000, nativeBinding: nativeBinding() });
  } catch (err) {
    throw new HappierError('SERVER_UNAVAILABLE', `cannot open the server database ${path}: ${(err as Error).message}`, {
      hint: 'check --data and its permissions',
      cause: err,
    });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST) {
    db.close();
    throw new HappierError('REGISTRY_TOO_NEW', `the server database ${path} was written by a newer happier (schema ${version})`, {
      hint: 'run the newer happier server, or point --data elsewhere',
    });
  }
  // Tokens are only hashes and records only ciphertext, but the file is still nobody else's business.
  chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number;
    for (const m of SERVER_MIGRATIONS) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return db;
}

function nativeBinding(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
}
