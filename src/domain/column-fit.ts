/**
 * The one rule every table follows to fit a width, in the CLI and in the browser:
 * 1. each column gets the width it wants;
 * 2. shrinkable columns (titles, paths) give up room in proportion, down to their minimum;
 * 3. if that is not enough, whole columns go, lowest `drop` first. A column without a
 *    `drop` (an id) never goes, and when only those are left the row overflows.
 * Left-over room goes to the `grow` columns, in proportion to their shares.
 */
export interface ColumnSpec {
  /** The width the column wants: its widest cell, or a fixed width. */
  readonly want: number;
  /** Shrinkable down to this; absent or equal to `want` means fixed. */
  readonly min?: number;
  /** The order in which columns are dropped when shrinking is not enough: 1 first. */
  readonly drop?: number;
  /** A share of the room left over once every column has what it wants. */
  readonly grow?: number;
}

/** Each column's width, or null for a column dropped to make the row fit. */
export function fitColumnWidths(specs: readonly ColumnSpec[], width: number | null, gap: number): (number | null)[] {
  const shown = specs.map(() => true);
  if (width === null) return specs.map((c) => c.want);
  for (;;) {
    const widths = tryFit(specs, shown, width, gap);
    if (widths) return widths;
    const victim = specs
      .map((c, i) => ({ i, drop: c.drop }))
      .filter((c) => shown[c.i] && c.drop !== undefined)
      .sort((a, b) => a.drop! - b.drop!)[0];
    if (!victim) return specs.map((c, i) => (shown[i] ? (c.min ?? c.want) : null));
    shown[victim.i] = false;
  }
}

function tryFit(specs: readonly ColumnSpec[], shown: readonly boolean[], width: number, gap: number): (number | null)[] | null {
  const idx = specs.map((_, i) => i).filter((i) => shown[i]);
  const room = width - gap * Math.max(0, idx.length - 1);
  const want = idx.reduce((a, i) => a + specs[i]!.want, 0);
  const out: (number | null)[] = specs.map((c, i) => (shown[i] ? c.want : null));
  if (want <= room) {
    growInto(specs, idx, out, room - want);
    return out;
  }
  const slackOf = (i: number) => Math.max(0, specs[i]!.want - (specs[i]!.min ?? specs[i]!.want));
  const slack = idx.reduce((a, i) => a + slackOf(i), 0);
  const excess = want - room;
  if (slack < excess) return null;
  let given = 0;
  for (const i of idx) {
    const cut = Math.floor((excess * slackOf(i)) / slack);
    out[i]! -= cut;
    given += cut;
  }
  // The rounding remainder, one column at a time, from columns that still have slack.
  for (const i of idx) {
    if (given >= excess) break;
    if (out[i]! > (specs[i]!.min ?? specs[i]!.want)) {
      out[i]!--;
      given++;
    }
  }
  return out;
}

function growInto(specs: readonly ColumnSpec[], idx: readonly number[], out: (number | null)[], extra: number): void {
  const growers = idx.filter((i) => (specs[i]!.grow ?? 0) > 0);
  const shares = growers.reduce((a, i) => a + specs[i]!.grow!, 0);
  if (extra <= 0 || shares === 0) return;
  let left = extra;
  for (const i of growers) {
    const add = Math.floor((extra * specs[i]!.grow!) / shares);
    out[i]! += add;
    left -= add;
  }
  out[growers[0]!]! += left;
}
