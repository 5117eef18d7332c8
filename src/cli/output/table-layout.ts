import { fitColumnWidths } from '../../domain/column-fit.js';
import { shortestUniquePrefixes } from '../../domain/session-selector.js';
import { padEnd, textWidth, truncateEnd, truncateStart } from '../../domain/text-width.js';

export interface Column {
  readonly header: string;
  /** Columns that may shrink, and from which side they are cut. Others keep their width. */
  readonly shrink?: 'end' | 'start';
  readonly minWidth?: number;
  /** When shrinking is not enough, columns are dropped in this order (1 first); without it, never. */
  readonly drop?: number;
  /** An id column: shown in full when the table fits, else cut to each id's shortest unique prefix. */
  readonly shortId?: boolean;
}

export type CellStyler = (column: number, text: string, row: number) => string;

const GAP = 2;

/** What the table-fitting rule (domain/column-fit.ts) decides for these cells. */
function plan(columns: readonly Column[], rows: readonly (readonly string[])[], width: number | null) {
  const natural = columns.map((c, i) => rows.reduce((w, r) => Math.max(w, textWidth(r[i] ?? '')), textWidth(c.header)));
  const specs = columns.map((c, i) => ({
    want: natural[i]!,
    ...(c.shrink ? { min: Math.min(natural[i]!, c.minWidth ?? 8) } : {}),
    ...(c.drop !== undefined ? { drop: c.drop } : {}),
  }));
  return fitColumnWidths(specs, width, GAP);
}

function withShortIds(columns: readonly Column[], rows: readonly (readonly string[])[]): string[][] {
  const out = rows.map((r) => [...r]);
  columns.forEach((c, i) => {
    if (!c.shortId) return;
    const short = shortestUniquePrefixes(rows.map((r) => r[i] ?? ''));
    for (const r of out) r[i] = short.get(r[i] ?? '') ?? r[i]!;
  });
  return out;
}

/**
 * Lays out a table as lines of text within `width`. `styler` colours a cell after it is
 * cut and before it is padded; it is called with the column's index in `columns`.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number | null,
  styler: CellStyler = (_c, t) => t,
  headerStyle: (t: string) => string = (t) => t,
): string[] {
  let cells: readonly (readonly string[])[] = rows;
  let widths = plan(columns, cells, width);
  // Full ids are worth more than anything but the columns a row needs; short ids beat dropping.
  if (widths.some((w) => w === null) && columns.some((c) => c.shortId)) {
    cells = withShortIds(columns, rows);
    widths = plan(columns, cells, width);
  }
  const shown = columns.map((_, i) => i).filter((i) => widths[i] !== null);
  const last = shown[shown.length - 1];
  const cut = (i: number, text: string) => {
    const c = columns[i]!;
    if (!c.shrink) return text;
    return c.shrink === 'start' ? truncateStart(text, widths[i]!) : truncateEnd(text, widths[i]!);
  };
  const line = (row: readonly string[], style: (i: number, t: string) => string) =>
    shown
      .map((i) => {
        const text = cut(i, row[i] ?? '');
        const styled = style(i, text);
        return i === last ? styled : styled + ' '.repeat(Math.max(0, widths[i]! - textWidth(text)));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const out = [line(columns.map((c) => c.header), (_i, t) => headerStyle(t))];
  cells.forEach((r, ri) => out.push(line(r, (i, t) => styler(i, t, ri))));
  return out;
}

export { padEnd };
