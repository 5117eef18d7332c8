import { join } from 'node:path';
import type { ConversationCheck, ConversationSubject, ProviderContext } from '../provider.js';
import { namesIn } from '../tolerant-read.js';
import { withOpencodeDb } from './opencode-db-access.js';
import { opencodeDbPath, opencodeStorageDir } from './opencode-home.js';

/**
 * OpenCode reopens a session that has its row in the database (or, before 1.2, its JSON
 * file under storage/). A database it cannot read right now answers nothing, rather
 * than calling its sessions empty.
 */
export async function opencodeConversations(ctx: ProviderContext, subjects: readonly ConversationSubject[]): Promise<Map<string, boolean>> {
  const ids = subjects.map((s) => s.vendorSessionId);
  const access = await withOpencodeDb(opencodeDbPath(ctx.env, ctx.homeDir), (db) => {
    const stmt = db.prepare('SELECT 1 FROM session WHERE id = ?').pluck();
    return new Set(ids.filter((id) => stmt.get(id) !== undefined));
  });
  if (access.kind === 'unusable') return new Map();
  const inDb = access.kind === 'ok' ? access.value : new Set<string>();
  // One listing per project folder, not a stat per session and project.
  const sessionsDir = join(opencodeStorageDir(ctx.env, ctx.homeDir), 'session');
  const inStorage = new Set(namesIn(sessionsDir).flatMap((p) => namesIn(join(sessionsDir, p))));
  return new Map(ids.map((id) => [id, inDb.has(id) || inStorage.has(`${id}.json`)]));
}

export const conversationsOnDisk: ConversationCheck = opencodeConversations;
