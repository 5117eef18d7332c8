import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** OpenCode 1.2+'s tables as far as happier reads them, in WAL mode like the real thing. */
export function createOpencodeDb(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL, time_created INTEGER, time_updated INTEGER);
    CREATE TABLE session (
      id TEXT PRIMARY KEY, project_id TEXT NOT NULL, parent_id TEXT, slug TEXT, directory TEXT NOT NULL,
      title TEXT NOT NULL, version TEXT, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, time_archived INTEGER);
    CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE INDEX message_session_idx ON message (session_id);
    CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE INDEX part_session_idx ON part (session_id);
    CREATE INDEX part_message_idx ON part (message_id);
  `);
  return db;
}

export interface FixtureMessage {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly at: number;
  readonly parts: readonly Record<string, unknown>[];
}

export function insertSession(
  db: Database.Database,
  s: { id: string; directory: string; title: string; created: number; updated?: number; parent?: string },
  messages: readonly FixtureMessage[] = [],
): void {
  db.prepare(`INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated) VALUES (?, 'global', ?, 'calm-fox', ?, ?, '1.18.33', ?, ?)`).run(
    s.id,
    s.parent ?? null,
    s.directory,
    s.title,
    s.created,
    s.updated ?? s.created,
  );
  insertMessages(db, s.id, messages);
}

export function insertMessages(db: Database.Database, sessionId: string, messages: readonly FixtureMessage[]): void {
  let n = 0;
  for (const m of messages) {
    db.prepare(`INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)`).run(
      m.id,
      sessionId,
      m.at,
      m.at,
      JSON.stringify({ role: m.role, time: { created: m.at } }),
    );
    for (const p of m.parts) {
      n++;
      db.prepare(`INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)`).run(
        `prt_${m.id.slice(4)}${String(n).padStart(4, '0')}`,
        m.id,
        sessionId,
        m.at,
        m.at,
        JSON.stringify(p),
      );
    }
  }
}

/** A session in the pre-1.2 JSON file layout under `storage`. */
export function writeStorageSession(
  storage: string,
  s: { id: string; projectId: string; directory: string; title: string; created: number; parent?: string },
  messages: readonly FixtureMessage[] = [],
): void {
  const put = (path: string, value: unknown) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(value));
  };
  put(join(storage, 'session', s.projectId, `${s.id}.json`), {
    id: s.id,
    projectID: s.projectId,
    directory: s.directory,
    parentID: s.parent,
    title: s.title,
    version: '1.1.0',
    time: { created: s.created, updated: s.created + 1000 },
  });
  for (const m of messages) {
    put(join(storage, 'message', s.id, `${m.id}.json`), { id: m.id, sessionID: s.id, role: m.role, time: { created: m.at } });
    m.parts.forEach((p, i) => put(join(storage, 'part', m.id, `prt_${String(i).padStart(3, '0')}.json`), { ...p, messageID: m.id }));
  }
}
