import type { SqliteDb } from '../provider-sqlite.js';
import type { OpencodeSchema } from './opencode-schema.js';

/** One top-level session row, as much as discovery needs. */
export interface OpencodeSessionRow {
  readonly id: string;
  readonly directory: string;
  readonly title: string;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly messageCount: number;
  readonly sizeBytes: number;
}

interface RawRow {
  id: unknown;
  directory: unknown;
  title: unknown;
  created: unknown;
  updated: unknown;
  messages: unknown;
  size: unknown;
}

/**
 * Top-level sessions (sub-agent sessions have a parent and are not resumed on their own),
 * newest first. Counts and sizes come from the indexed message and part tables, so the
 * transcripts themselves are never read.
 */
export function listOpencodeSessions(
  db: SqliteDb,
  schema: OpencodeSchema,
  filter: { directory?: string; createdSinceMs?: number; id?: string } = {},
): OpencodeSessionRow[] {
  const s = schema.session;
  const messages = schema.message ? `(SELECT count(*) FROM message m WHERE m.session_id = s.id)` : '0';
  const length = octetLength(db);
  const messageBytes = schema.message?.hasData ? `(SELECT coalesce(sum(${length}(m.data)), 0) FROM message m WHERE m.session_id = s.id)` : '0';
  const partBytes = !schema.part
    ? '0'
    : schema.part.viaSession
      ? `(SELECT coalesce(sum(${length}(p.data)), 0) FROM part p WHERE p.session_id = s.id)`
      : schema.message
        ? `(SELECT coalesce(sum(${length}(p.data)), 0) FROM part p JOIN message m ON m.id = p.message_id WHERE m.session_id = s.id)`
        : '0';
  const where = [`${s.parent} IS NULL`];
  const params: (string | number)[] = [];
  if (filter.directory !== undefined) {
    where.push(`${s.directory} = ?`);
    params.push(filter.directory);
  }
  if (filter.createdSinceMs !== undefined) {
    where.push(`${s.created} >= ?`);
    params.push(filter.createdSinceMs);
  }
  if (filter.id !== undefined) {
    where.push(`s.id = ?`);
    params.push(filter.id);
  }
  const sql = `
    SELECT s.id AS id, ${s.directory} AS directory, ${s.title} AS title, ${s.created} AS created,
           ${s.updated} AS updated, ${messages} AS messages, ${messageBytes} + ${partBytes} AS size
    FROM session s WHERE ${where.join(' AND ')} ORDER BY ${s.created} DESC`;
  const rows = db.prepare(sql).all(...params) as RawRow[];
  const out: OpencodeSessionRow[] = [];
  for (const r of rows) {
    if (typeof r.id !== 'string' || typeof r.directory !== 'string' || r.directory === '') continue;
    const title = typeof r.title === 'string' ? r.title : '';
    out.push({
      id: r.id,
      directory: r.directory,
      title: isPlaceholderTitle(title) ? (firstPrompt(db, schema, r.id) ?? title) : title,
      createdMs: epochMs(r.created),
      updatedMs: epochMs(r.updated),
      messageCount: Number(r.messages) || 0,
      sizeBytes: Number(r.size) || 0,
    });
  }
  return out;
}

// OpenCode names a session "New session - <ISO time>" until the model has titled it.
const PLACEHOLDER_TITLE = /^(New|Child) session - \d{4}-\d{2}-\d{2}T/;

function isPlaceholderTitle(title: string): boolean {
  return title === '' || PLACEHOLDER_TITLE.test(title);
}

/** What the user first typed in a session, on one line, or null. */
function firstPrompt(db: SqliteDb, schema: OpencodeSchema, sessionId: string): string | null {
  if (!schema.message?.hasData || !schema.part) return null;
  const order = schema.message.created === 'NULL' ? 'm.id' : `${schema.message.created}, m.id`;
  const rows = db
    .prepare(
      `SELECT p.data AS data FROM part p JOIN message m ON m.id = p.message_id
       WHERE m.session_id = ? AND json_extract(m.data, '$.role') = 'user' ORDER BY ${order}, p.id LIMIT 20`,
    )
    .all(sessionId) as { data: unknown }[];
  for (const r of rows) {
    try {
      const part = JSON.parse(String(r.data)) as { type?: unknown; text?: unknown; synthetic?: unknown };
      if (part.type === 'text' && typeof part.text === 'string' && !part.synthetic && part.text.trim() !== '') {
        const flat = part.text.replace(/\s+/g, ' ').trim();
        return flat.length <= 200 ? flat : `${flat.slice(0, 199)}…`;
      }
    } catch {
      // a damaged part is no title
    }
  }
  return null;
}

/** Ids of a session's messages in order; used to tell a shorter copy of a conversation from a different one. */
export function opencodeMessageIds(db: SqliteDb, schema: OpencodeSchema, sessionId: string): string[] | null {
  if (!schema.message) return null;
  const order = schema.message.created === 'NULL' ? 'm.id' : `${schema.message.created}, m.id`;
  const rows = db.prepare(`SELECT m.id AS id FROM message m WHERE m.session_id = ? ORDER BY ${order}`).all(sessionId) as { id: string }[];
  return rows.map((r) => r.id);
}

// octet_length reads a text value's size without loading it (SQLite 3.43+); length() counts characters.
function octetLength(db: SqliteDb): string {
  try {
    db.prepare(`SELECT octet_length('x')`).get();
    return 'octet_length';
  } catch {
    return 'length';
  }
}

/** OpenCode writes epoch milliseconds; a value that small can only be seconds. */
export function epochMs(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return 0;
  return n < 1e11 ? n * 1000 : n;
}
