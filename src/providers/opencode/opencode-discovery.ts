import type { DirectSession } from '../../domain/session.js';
import type { ProviderContext } from '../provider.js';
import { withOpencodeDb } from './opencode-db-access.js';
import { listOpencodeSessions, type OpencodeSessionRow } from './opencode-db-sessions.js';
import { opencodeDbPath, opencodeStorageDir } from './opencode-home.js';
import { listStorageSessions } from './opencode-json-storage.js';

export interface OpencodeDiscovery {
  readonly sessions: DirectSession[];
  /** Why the database was passed over (unknown schema, not SQLite, locked), or null. */
  readonly skippedDb: string | null;
}

/**
 * Sessions from the database, plus those only the pre-1.2 JSON files know. The database
 * answers counts and sizes from its indexes, so no cache is needed for it.
 */
export async function discoverOpencode(ctx: ProviderContext): Promise<OpencodeDiscovery> {
  const dbPath = opencodeDbPath(ctx.env, ctx.homeDir);
  const access = await withOpencodeDb(dbPath, (db, schema) => listOpencodeSessions(db, schema));
  const fromDb = access.kind === 'ok' ? access.value : [];
  const seen = new Set(fromDb.map((s) => s.id));
  const sessions = fromDb.map((row) => toDirect(row, dbPath));
  for (const legacy of listStorageSessions(opencodeStorageDir(ctx.env, ctx.homeDir))) {
    if (!seen.has(legacy.id)) sessions.push(toDirect(legacy, legacy.path));
  }
  sessions.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  return {
    sessions,
    skippedDb: access.kind === 'unusable' ? `skipped OpenCode database ${dbPath}: ${access.reason}` : null,
  };
}

function toDirect(row: OpencodeSessionRow, path: string): DirectSession {
  return {
    agent: 'opencode',
    vendorSessionId: row.id,
    cwd: row.directory,
    title: row.title,
    updatedAt: new Date(row.updatedMs || row.createdMs).toISOString(),
    sizeBytes: row.sizeBytes,
    messageCount: row.messageCount,
    path,
  };
}
