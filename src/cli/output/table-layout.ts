import { padEnd, textWidth, truncateEnd, truncateStart } from '../../domain/text-width.js';

export interface Column {
  readonly header: string;
  /** Columns that may shrink, and from which side they are cut. Others keep their width. */
  readonly shrink?: 'end' | 'start';
  readonly minWidth?: number;
}

export type CellStyler = (column: number, text: string, row: number) => string;

const GAP = 2;

/** Widths for each column so the row fits `width`; shrinkable columns give up room first, in proportion. */
export function fitColumns(columns: readonly Column[], natural: readonly number[], width: number | null): number[] {
  const widths = [...natural];
  if (width === null) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  let excess = total() - width;
  if (excess <= 0) return widths;
  const shrinkable = columns
    .map((c, i) => ({ i, slack: c.shrink ? Math.max(0, natural[i]! - (c.minWidth ?? 8)) : 0 }))
    .filter((c) => c.slack > 0);
  const slack = shrinkable.reduce((a, c) => a + c.slack, 0);
  if (slack === 0) return widths;
  const take = Math.min(excess, slack);
  let given = 0;
  for (const c of shrinkable) {
    const cut = Math.floor((take * c.slack) / slack);
    widths[c.i]! -= cut;
    given += cut;
  }
  for (const c of shrinkable) {
    if (given >= take) break;
    if (widths[c.i]! > natural[c.i]! - c.slack) {
      widths[c.i]!--;
      given++;
    }
  }
  excess -= given;
  return widths;
}

/** Lays out a table as lines of text. `styler` colours a cell after it is cut and before it is padded. */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number | null,
  styler: CellStyler = (_c, t) => t,
  headerStyle: (t: string) => string = (t) => t,
): string[] {
  const natural = columns.map((c, i) => rows.reduce((w, r) => Math.max(w, textWidth(r[i] ?? '')), textWidth(c.header)));
  const widths = fitColumns(columns, natural, width);
  const last = columns.length - 1;
  const cut = (i: number, text: string) => {
    const c = columns[i]!;
    if (!c.shrink) return text;
    return c.shrink === 'start' ? truncateStart(text, widths[i]!) : truncateEnd(text, widths[i]!);
  };
  const line = (cells: readonly string[], style: (i: number, t: string) => string) =>
    cells
      .map((raw, i) => {
        const text = cut(i, raw);
        const styled = style(i, text);
        return i === last ? styled : styled + ' '.repeat(Math.max(0, widths[i]! - textWidth(text)));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const out = [line(columns.map((c) => c.header), (_i, t) => headerStyle(t))];
  rows.forEach((r, ri) => out.push(line(r, (i, t) => styler(i, t, ri))));
  return out;
}

export { padEnd };
