import type { SqliteDb } from '../provider-sqlite.js';
import type { TranscriptMessage } from '../provider.js';
import { epochMs } from './opencode-db-sessions.js';
import type { RawOpencodeMessage } from './opencode-json-storage.js';
import type { OpencodeSchema } from './opencode-schema.js';

const IN_BATCH = 500;

/** A session's messages with their parts, oldest first; only the last `last` when given. */
export function readDbMessages(
  db: SqliteDb,
  schema: OpencodeSchema,
  sessionId: string,
  last?: number,
): { messages: RawOpencodeMessage[]; skipped: number } {
  if (!schema.message) return { messages: [], skipped: 0 };
  const created = schema.message.created;
  const data = schema.message.hasData ? 'm.data' : 'NULL';
  const order = created === 'NULL' ? 'm.id DESC' : `${created} DESC, m.id DESC`;
  const limit = last !== undefined ? `LIMIT ${Math.max(0, Math.floor(last))}` : '';
  const rows = db
    .prepare(`SELECT m.id AS id, ${data} AS data, ${created} AS created FROM message m WHERE m.session_id = ? ORDER BY ${order} ${limit}`)
    .all(sessionId) as { id: string; data: unknown; created: unknown }[];
  rows.reverse();

  let skipped = 0;
  const parts = new Map<string, Record<string, unknown>[]>();
  if (schema.part) {
    for (let i = 0; i < rows.length; i += IN_BATCH) {
      const ids = rows.slice(i, i + IN_BATCH).map((r) => r.id);
      const found = db
        .prepare(`SELECT p.message_id AS messageId, p.data AS data FROM part p WHERE p.message_id IN (${ids.map(() => '?').join(',')}) ORDER BY p.id`)
        .all(...ids) as { messageId: string; data: unknown }[];
      for (const p of found) {
        const obj = parseObject(p.data);
        if (!obj) {
          skipped++;
          continue;
        }
        const list = parts.get(p.messageId) ?? [];
        list.push(obj);
        parts.set(p.messageId, list);
      }
    }
  }
  const messages: RawOpencodeMessage[] = [];
  for (const r of rows) {
    const info = parseObject(r.data);
    if (!info) {
      skipped++;
      continue;
    }
    const time = info.time as { created?: unknown } | undefined;
    messages.push({ id: r.id, info, parts: parts.get(r.id) ?? [], createdMs: epochMs(r.created) || epochMs(time?.created) });
  }
  return { messages, skipped };
}

/** One preview message: the visible text, and tool calls as `tool(argument)`. */
export function normaliseOpencodeMessage(raw: RawOpencodeMessage): TranscriptMessage | null {
  const role = raw.info.role;
  if (role !== 'user' && role !== 'assistant') return null;
  const texts: string[] = [];
  const tools: string[] = [];
  for (const part of raw.parts) {
    if (part.type === 'text' && typeof part.text === 'string' && !part.synthetic && !part.ignored) texts.push(part.text);
    else if (part.type === 'tool' && typeof part.tool === 'string') tools.push(toolCall(part.tool, (part.state as { input?: unknown } | undefined)?.input));
    else if (part.type === 'subtask') tools.push(toolCall('task', { description: part.description }));
  }
  const text = texts.join('\n').trim();
  if (text === '' && tools.length === 0) return null;
  return {
    role,
    text,
    toolSummary: tools.length > 0 ? tools.join(', ') : null,
    at: raw.createdMs > 0 ? new Date(raw.createdMs).toISOString() : null,
  };
}

const ARG_KEYS = ['command', 'filePath', 'path', 'pattern', 'url', 'query', 'description', 'prompt'];
const MAX_ARG = 80;

function toolCall(tool: string, input: unknown): string {
  if (input === null || typeof input !== 'object') return tool;
  const record = input as Record<string, unknown>;
  const key = ARG_KEYS.find((k) => typeof record[k] === 'string' && record[k] !== '');
  if (!key) return tool;
  const arg = (record[key] as string).replace(/\s+/g, ' ').trim();
  return `${tool}(${arg.length > MAX_ARG ? `${arg.slice(0, MAX_ARG - 1)}…` : arg})`;
}

function parseObject(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return null;
  try {
    const parsed: unknown = JSON.parse(value.toString());
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
