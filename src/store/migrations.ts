/**
 * The registry's schema, one entry per version. A migration is never edited once it has
 * shipped; a change is a new entry. `PRAGMA user_version` records how far a database got.
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE identity (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE machines (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        ssh_target TEXT,
        identity_file TEXT,
        is_self INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        agent TEXT NOT NULL,
        backend TEXT NOT NULL,
        vendor_session_id TEXT,
        title TEXT NOT NULL DEFAULT '',
        cwd TEXT NOT NULL,
        owner_machine_id TEXT NOT NULL,
        owner_epoch INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_activity_at TEXT NOT NULL,
        terminal TEXT
      );
      CREATE INDEX sessions_vendor ON sessions (vendor_session_id);
      CREATE INDEX sessions_updated ON sessions (updated_at);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE scan_cache (
        agent TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        offset INTEGER NOT NULL,
        state TEXT NOT NULL,
        session TEXT,
        PRIMARY KEY (agent, path)
      );
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE server_connection (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        url TEXT NOT NULL,
        machine_token TEXT NOT NULL,
        account_id TEXT NOT NULL,
        connected_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE handoff_journal (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        target_machine_id TEXT NOT NULL,
        step TEXT NOT NULL,
        open INTEGER NOT NULL DEFAULT 1,
        source_was_running INTEGER NOT NULL DEFAULT 0,
        from_epoch INTEGER NOT NULL,
        plan TEXT NOT NULL,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX handoff_journal_open ON handoff_journal (open) WHERE open = 1;
      CREATE TABLE handoff_pending (
        handoff_id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        state TEXT NOT NULL,
        undo TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    sql: `
      ALTER TABLE machines ADD COLUMN environment TEXT;
      ALTER TABLE machines ADD COLUMN overrides TEXT;
    `,
  },
  {
    version: 6,
    sql: `
      CREATE TABLE sends (
        send_id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        state TEXT NOT NULL,
        result TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    sql: `
      CREATE TABLE conversations_seen (
        agent TEXT NOT NULL,
        vendor_session_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (agent, vendor_session_id)
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
