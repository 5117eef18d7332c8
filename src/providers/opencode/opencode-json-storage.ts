import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { OpencodeSessionRow } from './opencode-db-sessions.js';
import { epochMs } from './opencode-db-sessions.js';
import { isOpencodeSessionId } from './opencode-session-id.js';
import { namesIn, readJsonObject } from '../tolerant-read.js';

/**
 * OpenCode up to 1.1 kept one JSON file per record:
 * `storage/session/<projectID>/<sessionID>.json`, `storage/message/<sessionID>/<messageID>.json`
 * and `storage/part/<messageID>/<partID>.json`. 1.2 migrates them into its database and
 * leaves the files behind, so a session found in both places is the database's.
 */
export interface StorageSession extends OpencodeSessionRow {
  readonly path: string;
}

export interface RawOpencodeMessage {
  readonly id: string;
  readonly info: Record<string, unknown>;
  readonly parts: readonly Record<string, unknown>[];
  readonly createdMs: number;
}

export function listStorageSessions(storageDir: string): StorageSession[] {
  const out: StorageSession[] = [];
  for (const project of namesIn(join(storageDir, 'session'))) {
    const dir = join(storageDir, 'session', project);
    for (const name of namesIn(dir)) {
      if (!name.endsWith('.json')) continue;
      const session = readStorageSessionFile(storageDir, join(dir, name));
      if (session) out.push(session);
    }
  }
  return out.sort((a, b) => b.createdMs - a.createdMs);
}

export function findStorageSession(storageDir: string, id: string): StorageSession | null {
  if (!isOpencodeSessionId(id)) return null;
  for (const project of namesIn(join(storageDir, 'session'))) {
    const session = readStorageSessionFile(storageDir, join(storageDir, 'session', project, `${id}.json`));
    if (session) return session;
  }
  return null;
}

/** Messages in creation order with their parts; unreadable records are counted, not fatal. */
export function readStorageMessages(storageDir: string, sessionId: string): { messages: RawOpencodeMessage[]; skipped: number } {
  let skipped = 0;
  const messages: RawOpencodeMessage[] = [];
  const messageDir = join(storageDir, 'message', sessionId);
  for (const name of namesIn(messageDir)) {
    if (!name.endsWith('.json')) continue;
    const info = readJsonObject(join(messageDir, name));
    if (!info) {
      skipped++;
      continue;
    }
    const id = typeof info.id === 'string' ? info.id : name.slice(0, -5);
    const parts: Record<string, unknown>[] = [];
    const partDir = join(storageDir, 'part', id);
    for (const partName of namesIn(partDir).sort()) {
      if (!partName.endsWith('.json')) continue;
      const part = readJsonObject(join(partDir, partName));
      if (part) parts.push(part);
      else skipped++;
    }
    const time = info.time as { created?: unknown } | undefined;
    messages.push({ id, info, parts, createdMs: epochMs(time?.created) });
  }
  messages.sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { messages, skipped };
}

function readStorageSessionFile(storageDir: string, path: string): StorageSession | null {
  const info = readJsonObject(path);
  if (!info) return null;
  const { id, directory, title, parentID } = info;
  if (typeof id !== 'string' || !isOpencodeSessionId(id) || typeof directory !== 'string' || directory === '') return null;
  if (typeof parentID === 'string' && parentID !== '') return null;
  const time = (info.time ?? {}) as { created?: unknown; updated?: unknown };
  const messageDir = join(storageDir, 'message', id);
  const messageFiles = namesIn(messageDir).filter((n) => n.endsWith('.json'));
  let sizeBytes = 0;
  for (const name of messageFiles) {
    sizeBytes += fileSize(join(messageDir, name));
    const partDir = join(storageDir, 'part', name.slice(0, -5));
    for (const part of namesIn(partDir)) sizeBytes += fileSize(join(partDir, part));
  }
  const createdMs = epochMs(time.created);
  return {
    id,
    directory,
    title: typeof title === 'string' ? title : '',
    createdMs,
    updatedMs: epochMs(time.updated) || createdMs,
    messageCount: messageFiles.length,
    sizeBytes,
    path,
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
