import type { ChalkInstance } from 'chalk';
import type { TranscriptMessage } from '../../providers/provider.js';
import { relativeTime } from '../../domain/relative-time.js';
import { sanitize, truncateEnd } from '../../domain/text-width.js';

const MAX_LINES_PER_MESSAGE = 6;

/** JSON form of a preview message. */
export function messageJson(m: TranscriptMessage) {
  return { role: m.role, text: m.text, toolSummary: m.toolSummary, at: m.at };
}

/**
 * The latest messages as a reader wants them in a terminal: who, when, the tool calls,
 * and the first lines of the text, each cut to the width.
 */
export function formatMessagePreview(
  messages: readonly TranscriptMessage[],
  opts: { now: Date; width: number | null; chalk: ChalkInstance },
): string {
  const width = Math.max(20, (opts.width ?? 100) - 2);
  const c = opts.chalk;
  const out: string[] = [];
  for (const m of messages) {
    const when = m.at ? relativeTime(m.at, opts.now) : '';
    const tools = m.toolSummary ? c.yellow(` ${truncateEnd(sanitize(m.toolSummary), width)}`) : '';
    out.push(`${c.bold(m.role)}${when ? c.dim(` · ${when}`) : ''}${tools}`);
    const lines = m.text.split('\n').map((l) => sanitize(l).trimEnd()).filter((l) => l !== '');
    for (const l of lines.slice(0, MAX_LINES_PER_MESSAGE)) out.push('  ' + truncateEnd(l, width));
    if (lines.length > MAX_LINES_PER_MESSAGE) out.push(c.dim(`  … ${lines.length - MAX_LINES_PER_MESSAGE} more lines`));
  }
  return out.length ? out.join('\n') + '\n' : '';
}
