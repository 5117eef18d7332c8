import { HappierError } from '../../domain/errors.js';
import { openReadonlySqlite, openWritableSqlite, tableColumns, type SqliteDb } from '../provider-sqlite.js';

/** What Codex's index says about a thread's name: `name` (the user's or Codex's generated name) and `title`. */
export interface ThreadNames {
  readonly name: string | null;
  readonly title: string | null;
}

/**
 * Thread names and titles from Codex's index (state_5.sqlite, table `threads`). The index
 * is a convenience: missing, locked, corrupt or of another schema, it yields nothing and
 * discovery falls back to other sources.
 */
export async function readThreadNames(dbPath: string): Promise<Map<string, ThreadNames>> {
  const names = new Map<string, ThreadNames>();
  let db: SqliteDb | null = null;
  try {
    db = await openReadonlySqlite(dbPath, 500);
    if (!db) return names;
    const cols = tableColumns(db, 'threads');
    if (!cols?.has('id') || (!cols.has('title') && !cols.has('name'))) return names;
    const rows = db
      .prepare(`SELECT id, ${cols.has('name') ? 'name' : 'NULL'} AS name, ${cols.has('title') ? 'title' : 'NULL'} AS title FROM threads`)
      .all() as { id: unknown; name: unknown; title: unknown }[];
    for (const r of rows) {
      if (typeof r.id !== 'string') continue;
      names.set(r.id.toLowerCase(), { name: nonEmpty(r.name), title: nonEmpty(r.title) });
    }
  } catch {
    names.clear();
  } finally {
    db?.close();
  }
  return names;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export type ThreadRepair = 'no-index' | 'unknown-schema' | 'no-row' | 'current' | 'fixed' | 'deleted';

/**
 * Points the target's thread row for `id` at the rollout just imported. A row left from an
 * earlier stay of this session on this machine names a rollout path that is gone or
 * elsewhere, and Codex then fails with `no rollout found for thread id`. The row is fixed
 * in place (keeping its title); if the schema will not take that, it is deleted and Codex
 * re-indexes the rollout by its UUID. The database is never created here.
 */
export async function repairThreadRow(dbPath: string, id: string, rolloutPath: string, cwd: string): Promise<ThreadRepair> {
  let db: SqliteDb | null;
  try {
    db = await openWritableSqlite(dbPath);
  } catch (err) {
    throw indexError(dbPath, err);
  }
  if (!db) return 'no-index';
  try {
    const cols = tableColumns(db, 'threads');
    if (!cols?.has('id') || !cols.has('rollout_path')) return 'unknown-schema';
    const hasCwd = cols.has('cwd');
    const row = db.prepare(`SELECT rollout_path AS path${hasCwd ? ', cwd' : ''} FROM threads WHERE id = ?`).get(id) as
      | { path: unknown; cwd?: unknown }
      | undefined;
    if (!row) return 'no-row';
    if (row.path === rolloutPath && (!hasCwd || row.cwd === cwd)) return 'current';
    try {
      const set = hasCwd ? 'rollout_path = ?, cwd = ?' : 'rollout_path = ?';
      db.prepare(`UPDATE threads SET ${set} WHERE id = ?`).run(...(hasCwd ? [rolloutPath, cwd, id] : [rolloutPath, id]));
      return 'fixed';
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') throw err;
      db.prepare(`DELETE FROM threads WHERE id = ?`).run(id);
      return 'deleted';
    }
  } catch (err) {
    throw indexError(dbPath, err);
  } finally {
    db.close();
  }
}

function indexError(dbPath: string, err: unknown): HappierError {
  const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
  return new HappierError('PROVIDER_FAILED', `cannot update Codex's thread index ${dbPath}: ${err instanceof Error ? err.message : String(err)}`, {
    hint: busy ? 'a Codex process is holding its index; stop it and retry' : 'check that file with sqlite3, or stop any running Codex and retry',
    cause: err,
  });
}
