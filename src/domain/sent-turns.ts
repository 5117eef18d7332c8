/**
 * Reading a send's effect off the transcript: whether the provider took the text as a
 * user turn, whether its reply has landed, and whether it is mid-turn before a send.
 * Transcripts are what the provider itself wrote, so they are the proof of delivery.
 */

/** The parts of a transcript message these rules look at. */
export interface TurnLike {
  readonly role: 'user' | 'assistant' | 'system' | 'tool';
  readonly text: string;
  readonly toolSummary: string | null;
  readonly at: string | null;
}

/** Providers rewrap whitespace and cut long messages in previews; compare a prefix of the words. */
const MATCH_CHARS = 200;

function words(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function sameText(turn: string, sent: string): boolean {
  const a = words(turn);
  const b = words(sent);
  if (!a || !b) return false;
  const n = Math.min(MATCH_CHARS, b.length);
  return a.slice(0, n) === b.slice(0, n) || a.includes(b.slice(0, Math.min(n, 60)));
}

/** Whether `at` is no earlier than `sinceMs`, allowing for a provider that writes a coarser clock. */
function isAfter(at: string | null, sinceMs: number, skewMs: number): boolean {
  if (at === null) return false;
  const t = Date.parse(at);
  return Number.isFinite(t) && t >= sinceMs - skewMs;
}

/** The index of the user turn that carries `text`, written at or after `sinceMs`; -1 while there is none. */
export function findSentTurn(messages: readonly TurnLike[], text: string, sinceMs: number, skewMs = 2_000): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user' && isAfter(m.at, sinceMs, skewMs) && sameText(m.text, text)) return i;
  }
  return -1;
}

/**
 * The provider's finished reply to the turn at `turnIndex`: the last assistant message after
 * it, once the transcript ends in assistant text with no tool call pending. Null while the
 * provider is still working (or a later user turn has taken over).
 */
export function finishedReply(messages: readonly TurnLike[], turnIndex: number): TurnLike | null {
  if (turnIndex < 0) return null;
  const after = messages.slice(turnIndex + 1).filter((m) => m.role !== 'system');
  const last = after[after.length - 1];
  if (!last || last.role !== 'assistant' || !last.text.trim() || last.toolSummary) return null;
  return after.some((m) => m.role === 'user') ? null : last;
}

/** Mid-turn: the transcript ends in the user's words, a tool's result, or a tool call waiting on one. */
export function isMidTurn(messages: readonly TurnLike[]): boolean {
  const last = [...messages].reverse().find((m) => m.role !== 'system');
  if (!last) return false;
  return last.role === 'user' || last.role === 'tool' || (last.role === 'assistant' && last.toolSummary !== null);
}
