import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DirectSession } from '../../domain/session.js';
import { scanLines } from '../jsonl/line-scanner.js';
import type { ScanCache, ScanCacheEntry } from '../provider.js';
import { listRollouts, readSessionIndex, type RolloutFile } from './codex-files.js';
import { codexStateDbPath } from './codex-home.js';
import {
  EDGE_CHECK_BYTES,
  HEAD_CHECK_BYTES,
  codexSessionFromState,
  emptyCodexScanState,
  foldCodexLine,
  isCodexScanState,
  TITLE_MAX,
  type CodexScanState,
} from './codex-scan-state.js';
import { oneLine } from './codex-records.js';
import { readThreadNames } from './codex-threads-db.js';

function readBytes(fd: number, from: number, length: number): string {
  const buf = Buffer.alloc(Math.max(0, length));
  const n = buf.length ? readSync(fd, buf, 0, buf.length, from) : 0;
  return buf.subarray(0, n).toString('base64');
}

function edgeBefore(fd: number, offset: number): string {
  const from = Math.max(0, offset - EDGE_CHECK_BYTES);
  return readBytes(fd, from, offset - from);
}

/**
 * A grown rollout is read on from the cached offset. Codex only appends; a file whose
 * first bytes or the bytes before that offset changed was rewritten (an import rewrites
 * the cwd in place) and is read again from the start.
 */
function resumePoint(cached: ScanCacheEntry | undefined, fd: number, size: number): { from: number; state: CodexScanState } {
  if (cached && isCodexScanState(cached.state) && size >= cached.size && cached.offset <= size) {
    const { head, edge } = cached.state;
    if (head !== '' && readBytes(fd, 0, Buffer.from(head, 'base64').length) === head && edgeBefore(fd, cached.offset) === edge) {
      return { from: cached.offset, state: structuredClone(cached.state) };
    }
  }
  return { from: 0, state: emptyCodexScanState() };
}

function scanRollout(file: RolloutFile, cache: ScanCache, seen: Set<string>, titles: Map<string, string>): DirectSession | null {
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    return null; // archived or deleted between the listing and now
  }
  try {
    const st = fstatSync(fd);
    seen.add(file.path);
    const cached = cache.get(file.path);
    const meta = { fileId: file.fileId, path: file.path, size: st.size, mtimeMs: st.mtimeMs };
    let session: DirectSession | null;
    if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) {
      session = cached.session;
    } else {
      const { from, state } = resumePoint(cached, fd, st.size);
      const offset = scanLines(fd, from, st.size, (line) => foldCodexLine(state, line));
      if (state.head === '' || from === 0) state.head = readBytes(fd, 0, Math.min(HEAD_CHECK_BYTES, offset));
      state.edge = edgeBefore(fd, offset);
      session = codexSessionFromState(state, meta);
      cache.put({ path: file.path, size: st.size, mtimeMs: st.mtimeMs, offset, state, session });
    }
    // Titles live in Codex's index, not in the file, so they are applied after the cache.
    const title = session ? titles.get(session.vendorSessionId) : undefined;
    return session && title ? { ...session, title: oneLine(title, TITLE_MAX) } : session;
  } finally {
    closeSync(fd);
  }
}

/** Codex's own names for threads: a given name (index or session_index.jsonl) before the index's title. */
async function threadTitles(root: string): Promise<Map<string, string>> {
  const index = await readThreadNames(codexStateDbPath(root));
  const named = readSessionIndex(root);
  const titles = new Map<string, string>();
  for (const [id, t] of index) if (t.title) titles.set(id, t.title);
  for (const [id, name] of named) titles.set(id, name);
  for (const [id, t] of index) if (t.name) titles.set(id, t.name);
  return titles;
}

/**
 * Finds Codex's rollouts under sessions/ and archived_sessions/. An unchanged file costs
 * one stat; a grown one is read from where the last scan stopped. When the same id is in
 * both places (a copy left behind), the most recently updated one is reported.
 */
export async function discoverCodex(
  root: string,
  cache: ScanCache,
  opts: { onProgress?: (done: number, total: number) => void } = {},
): Promise<DirectSession[]> {
  const files = listRollouts(root);
  const titles = await threadTitles(root);
  const seen = new Set<string>();
  const byId = new Map<string, DirectSession>();
  files.forEach((file, i) => {
    const s = scanRollout(file, cache, seen, titles);
    if (s) {
      const prev = byId.get(s.vendorSessionId);
      if (!prev || prev.updatedAt < s.updatedAt) byId.set(s.vendorSessionId, s);
    }
    opts.onProgress?.(i + 1, files.length);
  });
  cache.prune('codex', seen);
  return [...byId.values()].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}
