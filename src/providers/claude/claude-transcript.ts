import { hasStringField, peekLastString } from '../jsonl/field-peek.js';
import { humanSize } from '../../domain/byte-size.js';
import { readJsonlFrom, readJsonlTail, type JsonlEntry } from '../jsonl/jsonl-file.js';
import type { Transcript, TranscriptMessage } from '../provider.js';
import {
  contentText,
  isToolResult,
  messageOf,
  oneLine,
  toolResultText,
  toolUses,
  userPromptText,
  type ClaudeRecord,
} from './claude-records.js';

/** Previews never need more than this much of one message. */
export const PREVIEW_TEXT_MAX = 4000;
const TOOL_RESULT_MAX = 300;

interface Pending {
  message: TranscriptMessage;
  /** Claude writes one record per content block of an assistant turn, all with the same message id. */
  assistantId: string | null;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/** Turns transcript entries into preview messages, merging the records of one assistant turn. */
export class ClaudeMessageBuilder {
  readonly messages: TranscriptMessage[] = [];
  private last: Pending | null = null;

  add(entry: JsonlEntry): void {
    if (entry.kind === 'oversized') {
      this.addOversized(entry.head, entry.tail, entry.bytes);
      return;
    }
    const rec: ClaudeRecord = entry.value;
    const at = typeof rec.timestamp === 'string' ? rec.timestamp : null;
    if (rec.type === 'assistant') {
      const msg = messageOf(rec);
      const id = typeof msg.id === 'string' ? msg.id : null;
      const text = contentText(msg.content).trim();
      const tools = toolUses(rec);
      if (!text && tools.length === 0) return;
      if (id && this.last?.assistantId === id) {
        const prev = this.last.message;
        const merged: TranscriptMessage = {
          role: 'assistant',
          text: cut([prev.text, text].filter(Boolean).join('\n'), PREVIEW_TEXT_MAX),
          toolSummary: [prev.toolSummary, ...tools].filter(Boolean).join(', ') || null,
          at: prev.at ?? at,
        };
        this.messages[this.messages.length - 1] = merged;
        this.last = { message: merged, assistantId: id };
        return;
      }
      this.push({ role: 'assistant', text: cut(text, PREVIEW_TEXT_MAX), toolSummary: tools.join(', ') || null, at }, id);
      return;
    }
    if (rec.type === 'user') {
      if (isToolResult(rec)) {
        if (rec.isSidechain === true) return;
        this.push({ role: 'tool', text: oneLine(toolResultText(rec), TOOL_RESULT_MAX), toolSummary: null, at }, null);
        return;
      }
      const text = userPromptText(rec);
      if (text !== null) this.push({ role: 'user', text: cut(text, PREVIEW_TEXT_MAX), toolSummary: null, at }, null);
      return;
    }
    // Other record types (attachments, snapshots, titles, queue operations, and any type a
    // later Claude adds) are not messages.
  }

  private addOversized(head: Buffer, tail: Buffer, bytes: number): void {
    const role = hasStringField(head, 'type', 'user') || hasStringField(tail, 'type', 'user')
      ? 'user'
      : hasStringField(head, 'type', 'assistant') || hasStringField(tail, 'type', 'assistant')
        ? 'assistant'
        : null;
    if (!role) return;
    const at = peekLastString(tail, 'timestamp') ?? null;
    this.push({ role, text: `[a record of ${humanSize(bytes)}, too long to preview]`, toolSummary: null, at }, null);
  }

  private push(message: TranscriptMessage, assistantId: string | null): void {
    const at = timeOf(message);
    let i = this.messages.length;
    while (i > 0 && at !== null && (timeOf(this.messages[i - 1]!) ?? -Infinity) > at) i--;
    if (i === this.messages.length) {
      this.messages.push(message);
      this.last = { message, assistantId };
      return;
    }
    // Claude 2.1 writes a session's first prompt after the reply to it; the conversation
    // (and any check that a reply follows the prompt) goes by when each was said. The
    // record still being merged stays the one at the end.
    this.messages.splice(i, 0, message);
  }
}

function timeOf(m: TranscriptMessage): number | null {
  if (m.at === null) return null;
  const t = Date.parse(m.at);
  return Number.isFinite(t) ? t : null;
}

/** The whole transcript as preview messages. */
export function readClaudeTranscript(path: string): Transcript {
  const b = new ClaudeMessageBuilder();
  const r = readJsonlFrom(path, 0, (e) => b.add(e));
  return { messages: b.messages, skippedLines: r.skipped };
}

/**
 * The latest `count` messages, read from the end of the file: a window of lines is widened
 * until it holds enough messages or reaches the start, so a long transcript is never read whole.
 */
export function readClaudeTranscriptTail(path: string, count: number): Transcript {
  if (count <= 0) return { messages: [], skippedLines: 0 };
  for (let lines = Math.max(64, count * 8); ; lines *= 4) {
    const r = readJsonlTail(path, lines);
    const b = new ClaudeMessageBuilder();
    for (const e of r.entries) b.add(e);
    const startedAtTop = r.entries.length === 0 || r.entries[0]!.start === 0;
    // The first lines in the window may be the tail of an assistant turn cut in half; one
    // extra message beyond `count` keeps that from showing.
    if (b.messages.length > count || startedAtTop || r.entries.length + r.skipped < lines) {
      return { messages: b.messages.slice(-count), skippedLines: r.skipped };
    }
  }
}
