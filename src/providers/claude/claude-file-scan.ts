import { hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { scanLines } from '../jsonl/line-scanner.js';
import {
  EDGE_CHECK_BYTES,
  HEAD_CHECK_BYTES,
  emptyScanState,
  foldLine,
  isScanState,
  settleTimestamp,
  type ClaudeScanState,
} from './claude-scan-state.js';

/** What a scan learned about one file, ready for the scan cache. */
export interface ScannedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly offset: number;
  readonly state: ClaudeScanState;
}

/** The previous scan of the file, if any, to continue from. */
export interface PreviousScan {
  readonly size: number;
  readonly offset: number;
  readonly state: unknown;
}

function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(0, to - from));
  return buf.subarray(0, buf.length ? readSync(fd, buf, 0, buf.length, from) : 0);
}

/**
 * A fingerprint of the file's start and of the bytes just before `offset`, where the last
 * read stopped: a file that merely grew still has both.
 */
function marks(fd: number, offset: number): { head: string; edge: string } {
  const head = readRange(fd, 0, Math.min(HEAD_CHECK_BYTES, offset));
  const edge = readRange(fd, Math.max(0, offset - EDGE_CHECK_BYTES), offset);
  return { head: `${head.length}:${hash('sha1', head, 'base64')}`, edge: `${edge.length}:${hash('sha1', edge, 'base64')}` };
}

/**
 * Where to continue reading a changed file: from the previous offset when the file only
 * grew (Claude appends), else from the start. A file that shrank, or whose start or last
 * read bytes changed, was rewritten and is read again in full.
 */
function resumePoint(prev: PreviousScan | undefined, fd: number, size: number): { from: number; state: ClaudeScanState } {
  if (prev && isScanState(prev.state) && size >= prev.size && prev.offset <= size && prev.offset > 0) {
    const m = marks(fd, prev.offset);
    if (m.head === prev.state.head && m.edge === prev.state.edge) {
      return { from: prev.offset, state: structuredClone(prev.state) };
    }
  }
  return { from: 0, state: emptyScanState() };
}

/** Scans one transcript (or the part appended since `prev`); null if it vanished meanwhile. */
export function scanTranscriptFile(path: string, prev?: PreviousScan): ScannedFile | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    const { from, state } = resumePoint(prev, fd, st.size);
    const offset = scanLines(fd, from, st.size, (line) => foldLine(state, line));
    settleTimestamp(state, (start, end) => readRange(fd, start, end));
    Object.assign(state, marks(fd, offset));
    return { size: st.size, mtimeMs: st.mtimeMs, offset, state };
  } finally {
    closeSync(fd);
  }
}
