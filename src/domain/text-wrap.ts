import { textWidth } from './text-width.js';

/**
 * Wraps one line at spaces into lines of at most `width` columns. Continuation lines
 * start with `hang` spaces, or with the line's own indentation when `hang` is not given,
 * so an indented example or a `fix:` line stays visibly one item. A word wider than the
 * room (a long path or URL) is broken where it must be, rather than overflowing.
 */
export function wrapLine(line: string, width: number, hang?: number): string[] {
  if (textWidth(line) <= width) return [line];
  const indent = line.length - line.trimStart().length;
  const pad = ' '.repeat(Math.min(hang ?? indent, Math.max(0, width - 1)));
  // Each word with the spaces before it, so spacing inside a line (aligned marks) survives.
  const chunks = line.slice(indent).match(/ *[^ ]+/g) ?? [];
  const out: string[] = [];
  let current = line.slice(0, indent);
  let empty = true;
  const flush = () => {
    out.push(current);
    current = pad;
    empty = true;
  };
  for (const chunk of chunks) {
    const word = chunk.trimStart();
    const piece = empty ? word : chunk;
    if (textWidth(current) + textWidth(piece) <= width) {
      current += piece;
      empty = false;
      continue;
    }
    // A word no line could hold is broken where it stands, not after an emptied line.
    const unbreakable = textWidth(word) > width - pad.length;
    if (!empty && !unbreakable) flush();
    let rest: string = unbreakable && !empty ? piece : word;
    while (textWidth(current) + textWidth(rest) > width) {
      const [head, tail] = splitAt(rest, width - textWidth(current));
      current += head;
      rest = tail;
      flush();
    }
    current += rest;
    empty = rest === '';
  }
  if (!empty) out.push(current);
  return out;
}

/** Wraps every line of `text` to `width` (see wrapLine), keeping its line breaks. */
export function wrapText(text: string, width: number, hang?: number): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width, hang))
    .join('\n');
}

/**
 * Wraps report lines such as `  source:    /a/path` or `note: …` so that each value
 * continues under where it started (a line without a label, two columns in).
 */
export function wrapLabelled(lines: readonly string[], width: number | null): string[] {
  if (width === null) return [...lines];
  return lines.flatMap((l) => {
    const label = /^\s*[^\s:]+:\s+/.exec(l);
    return wrapLine(l, width, label ? label[0].length : l.length - l.trimStart().length + 2);
  });
}

/** The longest head of `word` that fits `room` columns (at least one character). */
function splitAt(word: string, room: number): [string, string] {
  const chars = [...word];
  let w = 0;
  let n = 0;
  while (n < chars.length && w + textWidth(chars[n]!) <= room) w += textWidth(chars[n++]!);
  if (n === 0) n = 1;
  return [chars.slice(0, n).join(''), chars.slice(n).join('')];
}

/** Below this many columns beside the terms, descriptions go under their term instead. */
export const MIN_DESCRIPTION_COLUMN = 30;
const INDENT = 2;
const SPACER = 2;
const STACKED_INDENT = 6;

/**
 * One entry of a help list (an option, an argument, a subcommand) within `width`: the
 * description in a column beside the terms when there is room for it, else on the lines
 * under its term, so a 60-column terminal gets readable help rather than cut lines.
 */
export function helpItem(term: string, termWidth: number, description: string, width: number): string {
  const head = ' '.repeat(INDENT) + term;
  if (!description) return wrapLine(head, width, STACKED_INDENT).join('\n');
  const column = width - INDENT - termWidth - SPACER;
  if (column >= MIN_DESCRIPTION_COLUMN) {
    const lead = head + ' '.repeat(Math.max(0, termWidth - textWidth(term)) + SPACER);
    const text = wrapText(description, column, 0).split('\n');
    const pad = ' '.repeat(INDENT + termWidth + SPACER);
    return text.map((l, i) => (i === 0 ? lead + l : pad + l)).join('\n');
  }
  const body = wrapText(description, width - STACKED_INDENT, 0)
    .split('\n')
    .map((l) => ' '.repeat(STACKED_INDENT) + l);
  return [...wrapLine(head, width, STACKED_INDENT), ...body].join('\n');
}
