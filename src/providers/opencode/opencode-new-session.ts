import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProviderContext } from '../provider.js';
import { withOpencodeDb } from './opencode-db-access.js';
import { listOpencodeSessions } from './opencode-db-sessions.js';
import { opencodeDbPath } from './opencode-home.js';

/**
 * The id of the newest top-level session OpenCode created in `cwd` at or after `since`,
 * or null. `happier new` polls this to learn the vendor id OpenCode minted.
 */
export async function findNewSession(ctx: ProviderContext, opts: { cwd: string; since: Date }): Promise<string | null> {
  // OpenCode records its process cwd, which is the real path when `cwd` goes through a symlink.
  const dirs = new Set([resolve(opts.cwd)]);
  try {
    dirs.add(realpathSync(opts.cwd));
  } catch {
    // A cwd that is gone cannot have a new session in it; the plain path still gets checked.
  }
  const access = await withOpencodeDb(opencodeDbPath(ctx.env, ctx.homeDir), (db, schema) =>
    listOpencodeSessions(db, schema, { createdSinceMs: opts.since.getTime() }),
  );
  if (access.kind !== 'ok') return null;
  return access.value.find((s) => dirs.has(s.directory))?.id ?? null;
}
