import { HappierError } from '../../domain/errors.js';
import type { ProviderContext, Transcript, TranscriptMessage } from '../provider.js';
import { withOpencodeDb } from './opencode-db-access.js';
import { opencodeDbPath, opencodeStorageDir } from './opencode-home.js';
import { findStorageSession, readStorageMessages, type RawOpencodeMessage } from './opencode-json-storage.js';
import { normaliseOpencodeMessage, readDbMessages } from './opencode-messages.js';
import { assertOpencodeSessionId } from './opencode-session-id.js';

/** A session's messages for a preview, from the database or else the pre-1.2 JSON files. */
export async function readOpencodeTranscript(
  ctx: ProviderContext,
  vendorSessionId: string,
  opts: { lastMessages?: number } = {},
): Promise<Transcript> {
  const id = assertOpencodeSessionId(vendorSessionId);
  const dbPath = opencodeDbPath(ctx.env, ctx.homeDir);
  const access = await withOpencodeDb(dbPath, (db, schema) => {
    if (!db.prepare(`SELECT 1 FROM session WHERE id = ?`).get(id)) return null;
    const want = opts.lastMessages;
    if (want === undefined) return readDbMessages(db, schema, id);
    // Tool-only steps and garbage rows show nothing, so fetch more rows until enough are visible.
    for (let limit = want * 2 + 16; ; limit *= 4) {
      const read = readDbMessages(db, schema, id, limit);
      const visible = read.messages.filter((m) => normaliseOpencodeMessage(m) !== null).length;
      if (visible >= want || read.messages.length + read.skipped < limit) return read;
    }
  });
  if (access.kind === 'ok' && access.value) return toTranscript(access.value.messages, access.value.skipped, opts.lastMessages);

  const storageDir = opencodeStorageDir(ctx.env, ctx.homeDir);
  if (findStorageSession(storageDir, id)) {
    const { messages, skipped } = readStorageMessages(storageDir, id);
    return toTranscript(messages, skipped, opts.lastMessages);
  }
  if (access.kind === 'unusable') {
    throw new HappierError('PROVIDER_FAILED', `cannot read OpenCode's database ${dbPath}: ${access.reason}`, {
      hint: 'check that this OpenCode version is supported (happier doctor)',
    });
  }
  throw new HappierError('NOT_FOUND', `no OpenCode session ${id} on this machine`, {
    hint: 'run `happier direct list --agent opencode` to see the sessions found',
  });
}

function toTranscript(raw: readonly RawOpencodeMessage[], skipped: number, last?: number): Transcript {
  const messages = raw.map(normaliseOpencodeMessage).filter((m): m is TranscriptMessage => m !== null);
  return { messages: last !== undefined ? messages.slice(Math.max(0, messages.length - last)) : messages, skippedLines: skipped };
}
