import type { Rect } from '../view/view.js';

export interface BrowserLayout {
  readonly tabs: Rect;
  /** The list pane, its first line being the column header. */
  readonly list: Rect;
  readonly detail: Rect;
  readonly status: Rect;
  /** Detail beside the list (wide screens) or below it (80 columns). */
  readonly side: boolean;
}

/** Where everything goes for a terminal of this size; 80x24 keeps 12 session rows under the header. */
export function browserLayout(cols: number, rows: number): BrowserLayout {
  const width = Math.max(20, cols);
  const height = Math.max(8, rows);
  const body = height - 2;
  const tabs = { top: 0, left: 0, width, height: 1 };
  const status = { top: height - 1, left: 0, width, height: 1 };
  if (width >= 140) {
    const detailWidth = Math.min(80, Math.floor(width * 0.38));
    return {
      tabs,
      status,
      side: true,
      list: { top: 1, left: 0, width: width - detailWidth - 1, height: body },
      detail: { top: 1, left: width - detailWidth, width: detailWidth, height: body },
    };
  }
  const detailHeight = Math.max(4, Math.floor(body * 0.45));
  return {
    tabs,
    status,
    side: false,
    list: { top: 1, left: 0, width, height: body - detailHeight },
    detail: { top: 1 + body - detailHeight, left: 0, width, height: detailHeight },
  };
}

/** Rows of the list that hold sessions: the header takes one. */
export function listRowsFor(layout: BrowserLayout): number {
  return Math.max(1, layout.list.height - 1);
}
