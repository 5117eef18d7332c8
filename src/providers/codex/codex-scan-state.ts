import type { DirectSession } from '../../domain/session.js';
import { hasStringField, peekString, peekStringStart } from '../jsonl/field-peek.js';
import { parseRecord } from '../jsonl/jsonl-file.js';
import type { ScannedLine } from '../jsonl/line-scanner.js';
import { isCodexSessionId } from './codex-session-id.js';
import { conversationMessage, isContextWrapper, oneLine, payloadOf, type CodexRecord } from './codex-records.js';

/**
 * What a discovery scan keeps about one rollout. It is folded line by line and stored in
 * the scan cache, so a grown rollout is read from its last offset and the fold continues.
 */
export interface CodexScanState {
  v: 1;
  /** The file's first bytes (base64): a grown file must still start with them. */
  head: string;
  /** The bytes just before the offset read up to (base64): a grown file must still hold them there. */
  edge: string;
  id: string | null;
  cwd: string | null;
  firstPrompt: string | null;
  messages: number;
  lastTimestamp: string | null;
  skipped: number;
}

export const HEAD_CHECK_BYTES = 256;
export const EDGE_CHECK_BYTES = 64;
export const TITLE_MAX = 200;

/**
 * Lines up to this size are parsed; longer ones (tool output, the base instructions in
 * session_meta, pasted files) are only peeked at, which keeps a cold scan cheap.
 */
export const PARSE_LIMIT = 16 * 1024;

export function emptyCodexScanState(): CodexScanState {
  return { v: 1, head: '', edge: '', id: null, cwd: null, firstPrompt: null, messages: 0, lastTimestamp: null, skipped: 0 };
}

export function isCodexScanState(value: unknown): value is CodexScanState {
  return !!value && typeof value === 'object' && (value as CodexScanState).v === 1 && typeof (value as CodexScanState).edge === 'string';
}

function applyRecord(s: CodexScanState, rec: CodexRecord): void {
  if (typeof rec.timestamp === 'string') s.lastTimestamp = rec.timestamp;
  if (rec.type === 'session_meta') {
    const p = payloadOf(rec);
    if (s.id === null && typeof p.id === 'string') s.id = p.id;
    if (s.cwd === null && typeof p.cwd === 'string' && p.cwd !== '') s.cwd = p.cwd;
    return;
  }
  const m = conversationMessage(rec);
  if (!m) return;
  s.messages++;
  if (m.role === 'user' && s.firstPrompt === null && m.text.trim() !== '') s.firstPrompt = oneLine(m.text, TITLE_MAX);
}

function peekLine(s: CodexScanState, line: ScannedLine): void {
  const { head } = line;
  if (head[0] !== 0x7b) {
    s.skipped++;
    return;
  }
  const ts = peekString(head, 'timestamp');
  if (ts) s.lastTimestamp = ts;
  if (hasStringField(head, 'type', 'session_meta')) {
    if (s.id === null) s.id = peekString(head, 'id') ?? null;
    if (s.cwd === null) s.cwd = peekString(head, 'cwd') ?? null;
    return;
  }
  if (!hasStringField(head, 'type', 'response_item') || !hasStringField(head, 'type', 'message')) return;
  const isUser = hasStringField(head, 'role', 'user');
  if (!isUser && !hasStringField(head, 'role', 'assistant')) return;
  const text = peekStringStart(head, 'text');
  if (isUser && text !== undefined && isContextWrapper(text)) return;
  s.messages++;
  if (isUser && s.firstPrompt === null && text) s.firstPrompt = oneLine(text, TITLE_MAX);
}

/** Folds one line into the state. Garbage lines are counted, never fatal. */
export function foldCodexLine(s: CodexScanState, line: ScannedLine): void {
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

/**
 * The direct session a scanned rollout describes, or null for a file that is not one
 * (no conversation and no cwd). Its title is the first prompt until Codex's index says otherwise.
 */
export function codexSessionFromState(
  s: CodexScanState,
  file: { fileId: string; path: string; size: number; mtimeMs: number },
): DirectSession | null {
  const id = (s.id !== null && isCodexSessionId(s.id) ? s.id : file.fileId).toLowerCase();
  if (s.cwd === null && s.messages === 0) return null;
  const ts = s.lastTimestamp && !Number.isNaN(Date.parse(s.lastTimestamp)) ? new Date(s.lastTimestamp) : null;
  return {
    agent: 'codex',
    vendorSessionId: id,
    cwd: s.cwd ?? '',
    title: s.firstPrompt ?? '',
    updatedAt: (ts ?? new Date(file.mtimeMs)).toISOString(),
    sizeBytes: file.size,
    messageCount: s.messages,
    path: file.path,
  };
}
