/**
 * What Codex rollout records mean, for titles and previews. Each line is
 * `{timestamp, type, payload}`; records are untrusted input, so every field is checked.
 */
export type CodexRecord = Record<string, unknown>;

type Payload = Record<string, unknown>;

export function payloadOf(rec: CodexRecord): Payload {
  const p = rec.payload;
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Payload) : {};
}

/**
 * Codex sends its context to the model as user messages: the environment block, the
 * AGENTS.md instructions, shell-command echoes. They are not what the user typed.
 */
const WRAPPER_PREFIXES = ['# AGENTS.md instructions for', '<environment_context>', '<user_instructions>', '<INSTRUCTIONS>', '<permissions instructions>', '<user_shell_command>', '<turn_aborted>'];
const WRAPPER_TAG = /^<([a-z_]*(?:context|instructions))>[\s\S]*<\/\1>$/i;

export function isContextWrapper(text: string): boolean {
  const t = text.trim();
  return WRAPPER_PREFIXES.some((p) => t.startsWith(p)) || WRAPPER_TAG.test(t);
}

/** The text of a `message` payload: its input_text / output_text / text parts joined. */
export function messageText(payload: Payload): string {
  const content = payload.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((c): c is { type?: unknown; text: string } => !!c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string')
    .map((c) => c.text)
    .join('\n');
}

/** A user or assistant message the conversation really holds, with its text; null for everything else. */
export function conversationMessage(rec: CodexRecord): { role: 'user' | 'assistant'; text: string } | null {
  if (rec.type !== 'response_item') return null;
  const p = payloadOf(rec);
  if (p.type !== 'message' || (p.role !== 'user' && p.role !== 'assistant')) return null;
  const text = messageText(p);
  if (p.role === 'user' && isContextWrapper(text)) return null;
  return { role: p.role, text };
}

/** `shell(npm test)`, `apply_patch(src/a.ts)`: a tool call as a user would name it; null when the record is not one. */
export function toolCallSummary(rec: CodexRecord): string | null {
  if (rec.type !== 'response_item') return null;
  const p = payloadOf(rec);
  switch (p.type) {
    case 'function_call':
      return named(p.name, argumentOf(parseArguments(p.arguments)));
    case 'custom_tool_call':
      return named(p.name, typeof p.input === 'string' ? patchedFiles(p.input) : '');
    case 'local_shell_call':
      return named('shell', argumentOf((p.action ?? {}) as Record<string, unknown>));
    case 'web_search_call':
      return named('web_search', argumentOf((p.action ?? {}) as Record<string, unknown>));
    default:
      return null;
  }
}

const MAX_ARG = 80;

function named(name: unknown, arg: string): string {
  const tool = typeof name === 'string' && name !== '' ? name : 'tool';
  const flat = arg.replace(/\s+/g, ' ').trim();
  if (flat === '') return tool;
  return `${tool}(${flat.length > MAX_ARG ? `${flat.slice(0, MAX_ARG - 1)}…` : flat})`;
}

function parseArguments(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string') return raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function argumentOf(args: Record<string, unknown>): string {
  const command = args.command ?? args.cmd;
  if (Array.isArray(command)) {
    const parts = command.filter((c): c is string => typeof c === 'string');
    // `["bash", "-lc", "npm test"]`: the script is what the user recognises.
    const script = parts.length === 3 && /(^|\/)(ba|z)?sh$/.test(parts[0]!) && parts[1]!.startsWith('-') ? parts[2]! : parts.join(' ');
    return script;
  }
  for (const key of ['command', 'cmd', 'path', 'file_path', 'query', 'url', 'pattern']) {
    const v = args[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
}

function patchedFiles(patch: string): string {
  const files = [...patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((m) => m[1]!.trim());
  return files.join(', ');
}

/** One line of at most `max` characters, whitespace runs collapsed. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}
