/**
 * What Claude Code's transcript records mean, for titles and previews. Records are
 * untrusted input: every field is checked before use.
 */
export type ClaudeRecord = Record<string, unknown>;

interface Block {
  type?: unknown;
  text?: unknown;
  name?: unknown;
  input?: unknown;
  content?: unknown;
}

const NOT_A_PROMPT = [
  '<command-name>',
  '<command-message>',
  '<command-args>',
  '<local-command-',
  '<system-reminder>',
  '<bash-input>',
  '<bash-stdout>',
  '<bash-stderr>',
  '<user-memory-input>',
  'Caveat: The messages below were generated',
  '[Request interrupted',
];

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? content.filter((b): b is Block => !!b && typeof b === 'object') : [];
}

export function messageOf(rec: ClaudeRecord): { role?: unknown; content?: unknown; id?: unknown } {
  const m = rec.message;
  return m && typeof m === 'object' ? (m as { role?: unknown; content?: unknown; id?: unknown }) : {};
}

/** The plain text of a message's content: a string, or its text blocks joined. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocks(content)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

export function isToolResult(rec: ClaudeRecord): boolean {
  return blocks(messageOf(rec).content).some((b) => b.type === 'tool_result');
}

export function looksLikePrompt(text: string): boolean {
  const t = text.trimStart();
  return t !== '' && !NOT_A_PROMPT.some((p) => t.startsWith(p));
}

/**
 * The text the user typed, or null for user records that are not a prompt: meta records,
 * slash-command echoes, tool results, compaction summaries and side chains.
 */
export function userPromptText(rec: ClaudeRecord): string | null {
  if (rec.type !== 'user' || rec.isMeta === true || rec.isCompactSummary === true || rec.isSidechain === true) return null;
  if (isToolResult(rec)) return null;
  const text = contentText(messageOf(rec).content);
  return looksLikePrompt(text) ? text.trim() : null;
}

/** One line of at most `max` characters, whitespace runs collapsed. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}

const ARG_KEYS = ['command', 'file_path', 'path', 'notebook_path', 'pattern', 'url', 'query', 'description', 'prompt'];

/** `Bash(npm test)`, `Edit(src/a.ts)`: a tool call as a user would name it. */
export function toolCallSummary(name: string, input: unknown): string {
  let arg = '';
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    const key = ARG_KEYS.find((k) => typeof o[k] === 'string' && o[k] !== '');
    const value = key ? o[key] : Object.values(o).find((v) => typeof v === 'string' && v !== '');
    if (typeof value === 'string') arg = oneLine(value, 60);
  }
  return `${oneLine(name, 40)}(${arg})`;
}

/** The tool calls of an assistant record, summarised, or null when it made none. */
export function toolUses(rec: ClaudeRecord): string[] {
  return blocks(messageOf(rec).content)
    .filter((b) => b.type === 'tool_use' && typeof b.name === 'string')
    .map((b) => toolCallSummary(b.name as string, b.input));
}

/** A short text for a tool result record: its first text, cut. */
export function toolResultText(rec: ClaudeRecord): string {
  const parts: string[] = [];
  for (const b of blocks(messageOf(rec).content)) {
    if (b.type !== 'tool_result') continue;
    parts.push(typeof b.content === 'string' ? b.content : contentText(b.content));
  }
  return parts.join('\n');
}

/** The title a record sets, if it is one of the title records. */
export function titleOf(rec: ClaudeRecord): { kind: 'custom' | 'ai' | 'summary'; title: string } | null {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  if (rec.type === 'custom-title') {
    const t = str(rec.customTitle) ?? str(rec.title);
    return t ? { kind: 'custom', title: t } : null;
  }
  if (rec.type === 'ai-title') {
    const t = str(rec.aiTitle) ?? str(rec.title);
    return t ? { kind: 'ai', title: t } : null;
  }
  if (rec.type === 'summary') {
    const t = str(rec.summary);
    return t ? { kind: 'summary', title: t } : null;
  }
  return null;
}
