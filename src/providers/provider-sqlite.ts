import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export type SqliteDb = Database.Database;

/**
 * Opens a database that another program owns (Codex's thread index, OpenCode's store) for
 * reading only, or returns null when it does not exist. The owner may be writing in WAL
 * mode right now, so a busy database is waited for briefly instead of failing at once.
 * better-sqlite3 is loaded here, on first use, to keep it off the CLI's start-up path.
 */
export async function openReadonlySqlite(path: string, busyTimeoutMs = 2000): Promise<SqliteDb | null> {
  if (!existsSync(path)) return null;
  const { default: Database } = await import('better-sqlite3');
  return new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
}

/** Opens a database for a small repair write; null when it does not exist (never created here). */
export async function openWritableSqlite(path: string, busyTimeoutMs = 5000): Promise<SqliteDb | null> {
  if (!existsSync(path)) return null;
  const { default: Database } = await import('better-sqlite3');
  return new Database(path, { fileMustExist: true, timeout: busyTimeoutMs });
}

/** The columns of `table`, or null when there is no such table: providers change their schemas without notice. */
export function tableColumns(db: SqliteDb, table: string): Set<string> | null {
  const rows = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
  return rows.length === 0 ? null : new Set(rows.map((r) => r.name));
}
