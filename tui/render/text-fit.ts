// The CLI's own pure text helpers, so the browser measures, cuts and dates text exactly
// as `session list` does. They are the only things tui/ takes from src/cli/, and only here.
import { padEnd, textWidth, truncateEnd, truncateStart } from '../../src/domain/text-width.js';

export { padEnd, sanitize, textWidth } from '../../src/domain/text-width.js';
export { relativeTime } from '../../src/domain/relative-time.js';

/** Exactly `width` columns: cut (from the end, or the start for paths) and padded. */
export function fit(text: string, width: number, cut: 'end' | 'start' = 'end'): string {
  if (width <= 0) return '';
  const cutText = cut === 'end' ? truncateEnd(text, width) : truncateStart(text, width);
  return padEnd(cutText, width);
}

/** Word-wraps to `width` columns; words longer than a line are broken. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  const w = Math.max(1, width);
  for (const para of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of para.split(/\s+/).filter((x) => x !== '')) {
      let rest = word;
      let ww = textWidth(rest);
      if (lineWidth > 0 && lineWidth + 1 + ww > w) {
        out.push(line);
        line = '';
        lineWidth = 0;
      }
      while (ww > w) {
        const head = [...rest];
        let take = '';
        let tw = 0;
        for (const ch of head) {
          const cw = textWidth(ch);
          if (tw + cw > w - lineWidth - (lineWidth > 0 ? 1 : 0)) break;
          take += ch;
          tw += cw;
        }
        if (take === '') {
          out.push(line);
          line = '';
          lineWidth = 0;
          continue;
        }
        out.push(lineWidth > 0 ? `${line} ${take}` : take);
        line = '';
        lineWidth = 0;
        rest = rest.slice(take.length);
        ww = textWidth(rest);
      }
      if (rest === '') continue;
      line = lineWidth > 0 ? `${line} ${rest}` : rest;
      lineWidth = lineWidth > 0 ? lineWidth + 1 + ww : ww;
    }
    out.push(line);
  }
  return out;
}
