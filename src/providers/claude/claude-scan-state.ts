import { hasStringField, peekLastString, peekString, peekStringStart } from '../jsonl/field-peek.js';
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
  skipped: number;
}

export const HEAD_CHECK_BYTES = 4096;
export const EDGE_CHECK_BYTES = 512;
export const TITLE_MAX = 200;

/**
 * Lines up to this size are parsed; longer ones are only peeked at (their type, cwd and
 * timestamp sit at their ends). Most of a transcript's bytes are in a few long tool
 * records, so this is what keeps a cold scan far cheaper than parsing every line.
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
    skipped: 0,
  };
}

export function isScanState(value: unknown): value is ClaudeScanState {
  return !!value && typeof value === 'object' && (value as ClaudeScanState).v === 1 && typeof (value as ClaudeScanState).messages === 'number';
}

function applyRecord(s: ClaudeScanState, rec: ClaudeRecord): void {
  if (rec.type === 'user' || rec.type === 'assistant') s.messages++;
  if (s.cwd === null && typeof rec.cwd === 'string' && rec.cwd !== '') s.cwd = rec.cwd;
  if (typeof rec.timestamp === 'string') s.lastTimestamp = rec.timestamp;
  if (s.firstPrompt === null && rec.type === 'user') {
    const text = userPromptText(rec);
    if (text !== null) s.firstPrompt = oneLine(text, TITLE_MAX);
  }
  const title = titleOf(rec);
  if (title?.kind === 'custom') s.customTitle = oneLine(title.title, TITLE_MAX);
  else if (title?.kind === 'ai') s.aiTitle = oneLine(title.title, TITLE_MAX);
  else if (title?.kind === 'summary') s.summary = oneLine(title.title, TITLE_MAX);
}

function peekLine(s: ClaudeScanState, line: ScannedLine): void {
  const { head, tail } = line;
  const isUser = hasStringField(head, 'type', 'user') || hasStringField(tail, 'type', 'user');
  const isAssistant = !isUser && (hasStringField(head, 'type', 'assistant') || hasStringField(tail, 'type', 'assistant'));
  if (!isUser && !isAssistant) {
    // A long record that is neither: attachments, snapshots. Only its cwd and time matter.
    if (head[0] !== 0x7b) {
      s.skipped++;
      return;
    }
  } else {
    s.messages++;
  }
  // Claude 2.1 writes cwd after the message, older versions before it.
  if (s.cwd === null) s.cwd = peekString(head, 'cwd') ?? peekLastString(tail, 'cwd') ?? null;
  const ts = peekLastString(tail, 'timestamp');
  if (ts) s.lastTimestamp = ts;
  if (isUser && s.firstPrompt === null && head.indexOf('"isMeta":true') === -1 && head.indexOf('"tool_use_id"') === -1) {
    const text = peekStringStart(head, 'content') ?? peekStringStart(head, 'text');
    if (text && looksLikePrompt(text)) s.firstPrompt = oneLine(text, TITLE_MAX);
  }
}

/** Folds one line into the state. Garbage lines are counted, never fatal. */
export function foldLine(s: ClaudeScanState, line: ScannedLine): void {
  const bytes = line.bytes;
  if (bytes !== null && bytes.length <= PARSE_LIMIT) {
    if (bytes.length === 0) return;
    const rec = parseRecord(bytes);
    if (rec) applyRecord(s, rec);
    else s.skipped++;
    return;
  }
  peekLine(s, line);
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
