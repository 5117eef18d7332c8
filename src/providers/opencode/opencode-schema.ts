import type { SqliteDb } from '../provider-sqlite.js';
import { tableColumns } from '../provider-sqlite.js';

/**
 * SQL expressions for the facts happier needs, built from the columns the database really
 * has. OpenCode 1.2+ keeps them in columns; some builds kept the session as one `data`
 * JSON column instead. Anything else is a schema happier does not know, and is skipped
 * with `reason` rather than guessed at.
 */
export interface OpencodeSchema {
  readonly session: {
    readonly directory: string;
    readonly title: string;
    readonly created: string;
    readonly updated: string;
    readonly parent: string;
  };
  /** How to reach a session's messages and parts; null when the tables are not there. */
  readonly message: { readonly hasData: boolean; readonly created: string } | null;
  readonly part: { readonly viaSession: boolean } | null;
}

export type SchemaProbe = { readonly ok: true; readonly schema: OpencodeSchema } | { readonly ok: false; readonly reason: string };

export function probeOpencodeSchema(db: SqliteDb): SchemaProbe {
  const s = tableColumns(db, 'session');
  if (!s) return { ok: false, reason: 'it has no session table' };
  if (!s.has('id')) return { ok: false, reason: 'its session table has no id column' };
  const json = (path: string) => (s.has('data') ? `json_extract(s.data, '${path}')` : null);
  const pick = (...candidates: (string | null)[]) => candidates.find((c): c is string => c !== null) ?? null;
  const col = (name: string) => (s.has(name) ? `s.${name}` : null);

  const directory = pick(col('directory'), json('$.directory'));
  if (!directory) return { ok: false, reason: 'its session table records no directory' };
  const updated = pick(col('time_updated'), col('updated_at'), json('$.time.updated'), col('time_created'), col('created_at'));
  if (!updated) return { ok: false, reason: 'its session table records no update time' };
  const created = pick(col('time_created'), col('created_at'), json('$.time.created')) ?? updated;

  const m = tableColumns(db, 'message');
  const message =
    m && m.has('id') && m.has('session_id')
      ? { hasData: m.has('data'), created: m.has('time_created') ? 'm.time_created' : m.has('created_at') ? 'm.created_at' : 'NULL' }
      : null;
  const p = tableColumns(db, 'part');
  const part = p && p.has('message_id') && p.has('data') ? { viaSession: p.has('session_id') } : null;

  return {
    ok: true,
    schema: {
      session: {
        directory,
        title: pick(col('title'), json('$.title')) ?? "''",
        created,
        updated,
        parent: pick(col('parent_id'), json('$.parentID')) ?? 'NULL',
      },
      message,
      part,
    },
  };
}
