import { openReadonlySqlite, type SqliteDb } from '../provider-sqlite.js';
import { probeOpencodeSchema, type OpencodeSchema } from './opencode-schema.js';

export type DbAccess<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unusable'; readonly reason: string };

/**
 * Runs `fn` against OpenCode's database opened read-only, and closes it again. A database
 * that is missing, not SQLite, locked for too long or of a schema happier does not know
 * comes back as a value, not a throw: discovery skips it and the other callers decide.
 */
export async function withOpencodeDb<T>(dbPath: string, fn: (db: SqliteDb, schema: OpencodeSchema) => T): Promise<DbAccess<T>> {
  let db: SqliteDb | null;
  try {
    db = await openReadonlySqlite(dbPath);
  } catch (err) {
    return { kind: 'unusable', reason: `cannot open it (${errorText(err)})` };
  }
  if (!db) return { kind: 'missing' };
  try {
    const probe = probeOpencodeSchema(db);
    if (!probe.ok) return { kind: 'unusable', reason: probe.reason };
    return { kind: 'ok', value: fn(db, probe.schema) };
  } catch (err) {
    return { kind: 'unusable', reason: errorText(err) };
  } finally {
    db.close();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
