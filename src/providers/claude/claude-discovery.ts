import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DirectSession } from '../../domain/session.js';
import { scanLines } from '../jsonl/line-scanner.js';
import type { DiscoverOptions, ScanCache, ScanCacheEntry } from '../provider.js';
import {
  EDGE_CHECK_BYTES,
  HEAD_CHECK_BYTES,
  emptyScanState,
  foldLine,
  isScanState,
  sessionFromState,
  type ClaudeScanState,
} from './claude-scan-state.js';
import { listTranscripts, type TranscriptFile } from './claude-files.js';

/** A fingerprint of the bytes [from, to): their length and hash. */
function fingerprint(fd: number, from: number, to: number): string {
  const len = Math.max(0, to - from);
  const buf = Buffer.alloc(len);
  const n = len ? readSync(fd, buf, 0, len, from) : 0;
  return `${n}:${createHash('sha1').update(buf.subarray(0, n)).digest('base64')}`;
}

/** Fingerprints of the file's start and of the bytes just before `offset`, where the last read stopped. */
function marks(fd: number, offset: number): { head: string; edge: string } {
  return {
    head: fingerprint(fd, 0, Math.min(HEAD_CHECK_BYTES, offset)),
    edge: fingerprint(fd, Math.max(0, offset - EDGE_CHECK_BYTES), offset),
  };
}

/**
 * Where to continue reading a changed file: from the cached offset when the file only
 * grew (Claude appends), else from the start. A file that shrank, or whose start or last
 * read bytes changed, was rewritten and is read again in full.
 */
function resumePoint(cached: ScanCacheEntry | undefined, fd: number, size: number): { from: number; state: ClaudeScanState } {
  if (cached && isScanState(cached.state) && size >= cached.size && cached.offset <= size && cached.offset > 0) {
    const m = marks(fd, cached.offset);
    if (m.head === cached.state.head && m.edge === cached.state.edge) {
      return { from: cached.offset, state: structuredClone(cached.state) };
    }
  }
  return { from: 0, state: emptyScanState() };
}

function scanFile(file: TranscriptFile, cache: ScanCache, seenPaths: Set<string>): DirectSession | null {
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    return null; // deleted between the listing and now
  }
  try {
    const st = fstatSync(fd);
    seenPaths.add(file.path);
    const cached = cache.get(file.path);
    if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return cached.session;
    const { from, state } = resumePoint(cached, fd, st.size);
    const offset = scanLines(fd, from, st.size, (line) => foldLine(state, line));
    Object.assign(state, marks(fd, offset));
    const meta = { vendorSessionId: file.vendorSessionId, path: file.path, size: st.size, mtimeMs: st.mtimeMs };
    const session = sessionFromState(state, meta);
    cache.put({ path: file.path, size: st.size, mtimeMs: st.mtimeMs, offset, state, session });
    return session;
  } finally {
    closeSync(fd);
  }
}

/**
 * Finds Claude's sessions under the root. An unchanged file costs one stat; a grown one is
 * read from where the last scan stopped; only new files are read from the start, and even
 * then only short records are parsed (see claude-scan-state.ts).
 */
export async function discoverClaude(root: string, cache: ScanCache, opts: DiscoverOptions = {}): Promise<DirectSession[]> {
  const files = listTranscripts(root);
  const seen = new Set<string>();
  const sessions: DirectSession[] = [];
  files.forEach((file, i) => {
    const s = scanFile(file, cache, seen);
    if (s) sessions.push(s);
    opts.onProgress?.(i + 1, files.length);
  });
  cache.prune('claude', seen);
  return sessions.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}
