import { peekLastString, peekString, peekStringStart } from '../jsonl/field-peek.js';
import { parseRecord } from '../jsonl/jsonl-file.js';
import type { ScannedLine } from '../jsonl/line-scanner.js';
import type { DirectSession } from '../../domain/session.js';
import { looksLikePrompt, oneLine, titleOf, userPromptText, type ClaudeRecord } from './claude-records.js';

/**
 * What a discovery scan keeps about one transcript. It is folded line by line and stored
 * in the scan cache, so a grown file is read from its last offset and the fold simply
 * continues: counts stay right across incremental reads.
 */
export interface ClaudeScanState {
  /** Bumped whenever the fold's rules change, so cached states from older rules are rebuilt. */
  v: 1;
  /**
   * Fingerprints of the file's first bytes and of the bytes just before the offset read so
   * far: a file that merely grew still has both, a rewritten one does not.
   */
  head: string;
  edge: string;
  cwd: string | null;
  customTitle: string | null;
  aiTitle: string | null;
  summary: string | null;
  firstPrompt: string | null;
  messages: number;
  lastTimestamp: string | null;
  /** Byte range of the last message line seen, whose timestamp is read when the scan ends. */
  stampLine: [number, number] | null;
  skipped: number;
}

export const HEAD_CHECK_BYTES = 4096;
export const EDGE_CHECK_BYTES = 512;
export const TITLE_MAX = 200;

/**
 * A user record up to this size is parsed while the first prompt is still unknown; a
 * longer one is only peeked at. Every other line is classified from its bytes.
 */
export const PARSE_LIMIT = 16 * 1024;

export function emptyScanState(): ClaudeScanState {
  return {
    v: 1,
    head: '',
    edge: '',
    cwd: null,
    customTitle: null,
    aiTitle: null,
    summary: null,
    firstPrompt: null,
    messages: 0,
    lastTimestamp: null,
    stampLine: null,
    skipped: 0,
  };
}

export function isScanState(value: unknown): value is ClaudeScanState {
  return !!value && typeof value === 'object' && (value as ClaudeScanState).v === 1 && typeof (value as ClaudeScanState).messages === 'number';
}

function applyTitle(s: ClaudeScanState, rec: ClaudeRecord): void {
  const title = titleOf(rec);
  if (title?.kind === 'custom') s.customTitle = oneLine(title.title, TITLE_MAX);
  else if (title?.kind === 'ai') s.aiTitle = oneLine(title.title, TITLE_MAX);
  else if (title?.kind === 'summary') s.summary = oneLine(title.title, TITLE_MAX);
}

const TYPE_KEY = Buffer.from('"type":"');
const ASSISTANT = Buffer.from('"type":"assistant"');
const TITLE_TYPES = new Set(['custom-title', 'ai-title', 'summary']);

/** The value of the first `"type":"…"` in `buf` (up to 40 bytes), or undefined. */
function firstType(buf: Buffer): string | undefined {
  const at = buf.indexOf(TYPE_KEY);
  if (at === -1) return undefined;
  const start = at + TYPE_KEY.length;
  const end = buf.indexOf(0x22, start);
  return end === -1 || end - start > 40 ? undefined : buf.toString('latin1', start, end);
}

/**
 * What kind of record a line is, from its bytes alone. In every Claude version seen, a
 * user record's own `type` comes before its message and so is the first `type` in the
 * line, while an assistant record's comes after its message (whose own `type`,
 * "message", is the line's first), near the line's end. Title records are tiny and
 * parsed for real.
 */
function classify(line: ScannedLine): 'user' | 'assistant' | 'title' | 'other' | 'garbage' {
  // A whole line is searched directly; the searches stop at the first hit near its ends.
  const head = line.bytes ?? line.head;
  const tail = line.bytes ?? line.tail;
  let last = tail.length - 1;
  while (last > 0 && (tail[last] === 0x20 || tail[last] === 0x0d || tail[last] === 0x09)) last--;
  // A record cut short (a crash mid-write) almost never still ends in its closing brace.
  if (head[0] !== 0x7b || tail[last] !== 0x7d) return 'garbage';
  const first = firstType(head);
  if (first === 'user' || first === 'assistant') return first;
  if (first !== undefined && TITLE_TYPES.has(first)) return 'title';
  // An assistant record's first `type` is its message's ("message"); a record that only
  // carries an assistant message inside it (progress of a subagent, say) starts otherwise.
  if (first === 'message' && tail.lastIndexOf(ASSISTANT) !== -1) return 'assistant';
  return 'other';
}

function firstPromptFromPeek(head: Buffer): string | null {
  if (head.indexOf('"isMeta":true') !== -1 || head.indexOf('"tool_use_id"') !== -1) return null;
  const text = peekStringStart(head, 'content') ?? peekStringStart(head, 'text');
  return text && looksLikePrompt(text) ? oneLine(text, TITLE_MAX) : null;
}

/**
 * Folds one line into the state without parsing it unless it must: a title record, or a
 * user record while the first prompt is still unknown. Garbage is counted, never fatal.
 */
export function foldLine(s: ClaudeScanState, line: ScannedLine): void {
  if (line.length === 0) return;
  const kind = classify(line);
  switch (kind) {
    case 'garbage':
      s.skipped++;
      return;
    case 'other':
      return;
    case 'title': {
      const rec = line.bytes && line.bytes.length <= PARSE_LIMIT ? parseRecord(line.bytes) : undefined;
      if (rec) applyTitle(s, rec);
      return;
    }
    case 'user':
    case 'assistant':
      s.messages++;
      s.stampLine = [line.start, line.start + line.length];
      // Claude 2.1 writes cwd after the message, older versions before it.
      if (s.cwd === null) s.cwd = peekString(line.head, 'cwd') ?? peekLastString(line.tail, 'cwd') ?? null;
      if (kind === 'user' && s.firstPrompt === null) {
        if (line.bytes && line.bytes.length <= PARSE_LIMIT) {
          const rec = parseRecord(line.bytes);
          const text = rec ? userPromptText(rec) : null;
          if (text !== null) s.firstPrompt = oneLine(text, TITLE_MAX);
        } else {
          s.firstPrompt = firstPromptFromPeek(line.head);
        }
      }
  }
}

/**
 * The time of the last message, read once at the end of a scan from that line's last
 * bytes, rather than peeked on every line.
 */
export function settleTimestamp(s: ClaudeScanState, readRange: (start: number, end: number) => Buffer): void {
  if (!s.stampLine) return;
  const [start, end] = s.stampLine;
  const ts = peekLastString(readRange(Math.max(start, end - 4096), end), 'timestamp');
  if (ts) s.lastTimestamp = ts;
  s.stampLine = null;
}

export function titleFromState(s: ClaudeScanState): string {
  return s.customTitle ?? s.aiTitle ?? s.summary ?? s.firstPrompt ?? '';
}

/**
 * The direct session a scanned file describes, or null for a file that is not one
 * (no conversation and no cwd: an empty file, or a summary-only leftover).
 */
export function sessionFromState(
  s: ClaudeScanState,
  file: { vendorSessionId: string; path: string; size: number; mtimeMs: number },
): DirectSession | null {
  if (s.cwd === null && s.messages === 0) return null;
  const ts = s.lastTimestamp && !Number.isNaN(Date.parse(s.lastTimestamp)) ? new Date(s.lastTimestamp) : null;
  return {
    agent: 'claude',
    vendorSessionId: file.vendorSessionId,
    cwd: s.cwd ?? '',
    title: titleFromState(s),
    updatedAt: (ts ?? new Date(file.mtimeMs)).toISOString(),
    sizeBytes: file.size,
    messageCount: s.messages,
    path: file.path,
  };
}
