import { currentTab, selectedRow, type BrowserState } from '../state/browser-state.js';
import { statusHints } from '../state/status-hints.js';
import { TAB_LABELS, TABS } from '../state/tabs.js';
import type { Line, Span } from '../view/view.js';
import { detailLines } from './detail-lines.js';
import { browserLayout, listRowsFor, type BrowserLayout } from './layout.js';
import { listLines } from './list-lines.js';
import { inputSpans, overlayFor, type Overlay } from './overlay-lines.js';
import { fit, sanitize, textWidth } from './text-fit.js';

export interface Frame {
  readonly layout: BrowserLayout;
  readonly tabs: Line[];
  readonly list: Line[];
  readonly detail: Line[];
  readonly status: Line[];
  readonly overlay: Overlay | null;
}

export interface FrameContext {
  readonly now: Date;
  readonly home: string;
}

function tabBar(state: BrowserState, width: number): Line {
  const spans: Span[] = [{ text: ' happier ', tone: 'bold' }];
  TABS.forEach((t, i) => {
    const tab = state.tabs[t];
    const count = tab.load.kind === 'ready' ? ` ${tab.visible.length}${tab.filter ? `/${tab.rows.length}` : ''}` : '';
    spans.push({ text: ` ${i + 1} ${TAB_LABELS[t]}${count} `, tone: t === state.tab ? 'tab-active' : 'tab' });
  });
  const used = spans.reduce((a, s) => a + textWidth(s.text), 0);
  const filter = currentTab(state).filter;
  const right = filter && state.mode.kind !== 'filter' ? ` filter: ${sanitize(filter)} ` : '';
  const gap = Math.max(0, width - used - textWidth(right));
  return [...spans, { text: ' '.repeat(gap) }, { text: fit(right, Math.min(textWidth(right), width - used)), tone: 'accent' }];
}

function statusLine(state: BrowserState, width: number): Line {
  if (state.mode.kind === 'filter') {
    const n = currentTab(state).visible.length;
    return [{ text: '/', tone: 'accent' }, ...inputSpans(state.mode.input), { text: `  ${n} match${n === 1 ? '' : 'es'}  (Enter keep, Esc clear)`, tone: 'dim' }];
  }
  if (state.message) {
    const m = state.message;
    const text = m.hint ? `${m.text} (${m.hint})` : m.text;
    return [{ text: fit(sanitize(text), width), tone: m.tone === 'error' ? 'bad' : 'accent' }];
  }
  const spans: Span[] = [];
  if (state.busy) spans.push({ text: `${state.busy}  `, tone: 'warn' });
  let used = spans.reduce((a, s) => a + textWidth(s.text), 0);
  for (const hint of statusHints(state)) {
    const w = textWidth(hint) + 2;
    if (used + w > width) break;
    const [key, ...rest] = hint.split(' ');
    spans.push({ text: key!, tone: 'accent' }, { text: ` ${rest.join(' ')}  `, tone: 'dim' });
    used += w;
  }
  return spans;
}

/** Everything on screen, computed from the state alone. */
export function browserFrame(state: BrowserState, cols: number, rows: number, ctx: FrameContext): Frame {
  const layout = browserLayout(cols, rows);
  const tab = currentTab(state);
  const row = selectedRow(state);
  return {
    layout,
    tabs: [tabBar(state, layout.tabs.width)],
    list: listLines(state.tab, tab, { width: layout.list.width, rows: listRowsFor(layout) }, ctx),
    detail: detailLines(row, state.preview, { width: layout.detail.width, height: layout.detail.height }, ctx),
    status: [statusLine(state, layout.status.width)],
    overlay: overlayFor(state, cols, rows),
  };
}
