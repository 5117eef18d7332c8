import { statSync } from 'node:fs';
import { HappierError } from '../../domain/errors.js';
import { hasStringField, peekString, peekStringStart } from '../jsonl/field-peek.js';
import { readJsonlFrom, readJsonlTail, type JsonlEntry } from '../jsonl/jsonl-file.js';
import type { ProviderContext, Transcript, TranscriptMessage } from '../provider.js';
import { findRollouts, type RolloutFile } from './codex-files.js';
import { codexRoot } from './codex-home.js';
import { conversationMessage, isContextWrapper, toolCallSummary } from './codex-records.js';
import { assertCodexSessionId } from './codex-session-id.js';

/**
 * Folds rollout records into preview messages. Codex writes each tool call as its own
 * record before the answer that follows it, so calls are gathered onto the next
 * assistant message (or stand alone when the turn ended without one).
 */
export class CodexTranscriptBuilder {
  readonly messages: TranscriptMessage[] = [];
  private tools: string[] = [];
  private toolsAt: string | null = null;

  add(entry: JsonlEntry): void {
    if (entry.kind === 'oversized') return this.addOversized(entry.head);
    const rec = entry.value;
    const at = typeof rec.timestamp === 'string' && !Number.isNaN(Date.parse(rec.timestamp)) ? rec.timestamp : null;
    const tool = toolCallSummary(rec);
    if (tool !== null) return this.addTool(tool, at);
    const m = conversationMessage(rec);
    if (m) this.addMessage(m.role, m.text.trim(), at);
  }

  finish(): TranscriptMessage[] {
    this.flushTools();
    return this.messages;
  }

  private addOversized(head: Buffer): void {
    if (!hasStringField(head, 'type', 'response_item')) return;
    const at = peekString(head, 'timestamp') ?? null;
    if (hasStringField(head, 'type', 'function_call') || hasStringField(head, 'type', 'custom_tool_call')) {
      return this.addTool(peekString(head, 'name') ?? 'tool', at);
    }
    if (!hasStringField(head, 'type', 'message')) return;
    const role = hasStringField(head, 'role', 'user') ? 'user' : hasStringField(head, 'role', 'assistant') ? 'assistant' : null;
    const text = peekStringStart(head, 'text', 2000);
    if (!role || text === undefined || (role === 'user' && isContextWrapper(text))) return;
    this.addMessage(role, `${text.trim()}…`, at);
  }

  private addTool(summary: string, at: string | null): void {
    this.tools.push(summary);
    this.toolsAt ??= at;
  }

  private addMessage(role: 'user' | 'assistant', text: string, at: string | null): void {
    if (role === 'user') this.flushTools();
    const toolSummary = role === 'assistant' && this.tools.length > 0 ? this.tools.join(', ') : null;
    if (toolSummary !== null) this.tools = [];
    this.toolsAt = null;
    if (text === '' && toolSummary === null) return;
    this.messages.push({ role, text, toolSummary, at });
  }

  private flushTools(): void {
    if (this.tools.length > 0) this.messages.push({ role: 'assistant', text: '', toolSummary: this.tools.join(', '), at: this.toolsAt });
    this.tools = [];
    this.toolsAt = null;
  }
}

/** The rollout Codex would resume: the live one, else the newest archived copy. */
export function pickRollout(files: readonly RolloutFile[]): RolloutFile | undefined {
  const mtime = (f: RolloutFile) => {
    try {
      return statSync(f.path).mtimeMs;
    } catch {
      return 0;
    }
  };
  return [...files].sort((a, b) => Number(a.archived) - Number(b.archived) || mtime(b) - mtime(a))[0];
}

/** The rollout of one Codex session on this machine, or NOT_FOUND. */
export function requireRollout(ctx: ProviderContext, vendorSessionId: string) {
  const id = assertCodexSessionId(vendorSessionId).toLowerCase();
  const root = codexRoot(ctx.env, ctx.homeDir);
  const file = pickRollout(findRollouts(root, id));
  if (!file) {
    throw new HappierError('NOT_FOUND', `no Codex session ${id} under ${root}`, {
      hint: 'run `happier direct list --agent codex` to see the sessions found',
    });
  }
  return { id, root, file };
}

export async function readCodexTranscript(ctx: ProviderContext, vendorSessionId: string, opts: { lastMessages?: number } = {}): Promise<Transcript> {
  const { file } = requireRollout(ctx, vendorSessionId);
  const last = opts.lastMessages;
  if (last !== undefined) {
    // A preview of the end need not read a long rollout from the start: widen a tail
    // window until it holds enough messages (or is the whole file).
    for (let lines = Math.max(64, last * 32); ; lines *= 4) {
      const builder = new CodexTranscriptBuilder();
      const read = readJsonlTail(file.path, lines);
      for (const entry of read.entries) builder.add(entry);
      const messages = builder.finish();
      const whole = read.entries.length + read.skipped < lines;
      if (messages.length > last || whole) {
        return { messages: messages.slice(Math.max(0, messages.length - last)), skippedLines: read.skipped + (read.partialLast ? 1 : 0) };
      }
    }
  }
  const builder = new CodexTranscriptBuilder();
  const read = readJsonlFrom(file.path, 0, (entry) => builder.add(entry));
  return { messages: builder.finish(), skippedLines: read.skipped + (read.partialLast ? 1 : 0) };
}
