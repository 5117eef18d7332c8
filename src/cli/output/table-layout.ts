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

/** Every cell's width, row after row, so a layout measures each cell once. */
function measure(columns: readonly Column[], rows: readonly (readonly string[])[]): Int32Array {
  const n = columns.length;
  const out = new Int32Array(rows.length * n);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let i = 0; i < n; i++) out[r * n + i] = textWidth(row[i] ?? '');
  }
  return out;
}

/** What the table-fitting rule (domain/column-fit.ts) decides for these cells. */
function plan(columns: readonly Column[], measured: Int32Array, width: number | null) {
  const n = columns.length;
  const natural = columns.map((c) => textWidth(c.header));
  for (let k = 0; k < measured.length; k++) natural[k % n] = Math.max(natural[k % n]!, measured[k]!);
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
  let measured = measure(columns, cells);
  let widths = plan(columns, measured, width);
  // Full ids are worth more than anything but the columns a row needs; short ids beat dropping.
  if (widths.some((w) => w === null) && columns.some((c) => c.shortId)) {
    cells = withShortIds(columns, rows);
    measured = measure(columns, cells);
    widths = plan(columns, measured, width);
  }
  const n = columns.length;
  const shown = columns.map((_, i) => i).filter((i) => widths[i] !== null);
  const last = shown[shown.length - 1];
  const gap = ' '.repeat(GAP);
  const line = (row: readonly string[], cellWidth: (i: number) => number, style: (i: number, t: string) => string) => {
    let out = '';
    for (let k = 0; k < shown.length; k++) {
      const i = shown[k]!;
      const room = widths[i]!;
      const c = columns[i]!;
      let text = row[i] ?? '';
      let w = cellWidth(i);
      if (c.shrink && w > room) {
        text = c.shrink === 'start' ? truncateStart(text, room) : truncateEnd(text, room);
        w = textWidth(text);
      }
      if (k > 0) out += gap;
      out += style(i, text);
      if (i !== last && w < room) out += ' '.repeat(room - w);
    }
    return out.trimEnd();
  };
  const out = [line(columns.map((c) => c.header), (i) => textWidth(columns[i]!.header), (_i, t) => headerStyle(t))];
  for (let r = 0; r < cells.length; r++) out.push(line(cells[r]!, (i) => measured[r * n + i]!, (i, t) => styler(i, t, r)));
  return out;
}

export { padEnd };
