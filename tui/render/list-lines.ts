import { fitColumnWidths, type ColumnSpec } from '../../src/domain/column-fit.js';
import { providersCell } from '../../src/domain/provider-marks.js';
import { resumeLabel } from '../../src/domain/resume-eligibility.js';
import type { BrowserRow } from '../state/browser-rows.js';
import type { TabState } from '../state/browser-state.js';
import type { TabId } from '../state/tabs.js';
import type { Line, Span, Tone } from '../view/view.js';
import { fit, relativeTime, sanitize } from './text-fit.js';

/** A column as the shared fitting rule (src/domain/column-fit.ts) sees it, with a header and a cut side. */
interface Column extends ColumnSpec {
  readonly header: string;
  readonly cut?: 'end' | 'start';
}

interface Cell {
  readonly text: string;
  readonly tone?: Tone;
}

// The id never goes; the least useful columns go first when the screen is narrow.
const SESSION_COLUMNS: readonly Column[] = [
  { header: 'ID', want: 8 },
  { header: 'AGENT', want: 8, drop: 3 },
  { header: 'TITLE', want: 10, grow: 3 },
  { header: 'PATH', want: 10, grow: 2, cut: 'start', drop: 1 },
  { header: 'UPDATED', want: 8, drop: 2 },
  { header: 'ACTIVE', want: 7, drop: 4 },
  { header: 'RESUME', want: 17 },
];

const DIRECT_COLUMNS: readonly Column[] = [
  { header: 'AGENT', want: 8 },
  { header: 'TITLE', want: 10, grow: 3 },
  { header: 'PATH', want: 10, grow: 2, cut: 'start', drop: 2 },
  { header: 'UPDATED', want: 8, drop: 3 },
  { header: 'MSGS', want: 5, drop: 1 },
  { header: 'STATE', want: 8 },
];

const MACHINE_COLUMNS: readonly Column[] = [
  { header: 'NAME', want: 8, grow: 1 },
  { header: 'SSH TARGET', want: 10, grow: 2, drop: 2 },
  { header: 'STATUS', want: 12, grow: 2 },
  { header: 'PROVIDERS', want: 22, drop: 1 },
];

const COLUMNS: Record<TabId, readonly Column[]> = { sessions: SESSION_COLUMNS, direct: DIRECT_COLUMNS, machines: MACHINE_COLUMNS };

export interface ListContext {
  readonly now: Date;
  readonly home: string;
}

function tilde(path: string, home: string): string {
  return home && (path === home || path.startsWith(home + '/')) ? '~' + path.slice(home.length) : path;
}

function cells(row: BrowserRow, ctx: ListContext): Cell[] {
  switch (row.kind) {
    case 'session': {
      const v = row.view;
      const s = v.session;
      const active = v.active ? 'yes' : v.ownedHere ? 'no' : `@${v.ownerMachineName ?? 'other'}`;
      const resume = resumeLabel(v.resume);
      return [
        { text: s.id.slice(0, 8), tone: 'accent' },
        { text: s.agent },
        { text: (s.archived ? '[archived] ' : '') + (sanitize(s.title) || '(untitled)'), tone: s.archived ? 'dim' : 'plain' },
        { text: sanitize(tilde(s.cwd, ctx.home)), tone: 'dim' },
        { text: relativeTime(s.updatedAt, ctx.now) },
        { text: active, tone: v.active ? 'good' : 'dim' },
        { text: resume, tone: v.resume.status === 'yes' ? 'good' : 'dim' },
      ];
    }
    case 'direct': {
      const d = row.direct;
      return [
        { text: d.agent },
        { text: sanitize(d.title) || '(untitled)' },
        { text: sanitize(tilde(d.cwd, ctx.home)), tone: 'dim' },
        { text: relativeTime(d.updatedAt, ctx.now) },
        { text: String(d.messageCount) },
        row.takenOver ? { text: 'synced', tone: 'good' } : { text: 'direct', tone: 'dim' },
      ];
    }
    case 'machine': {
      const m = row.machine;
      const st = row.status;
      const status = m.isSelf
        ? { text: 'this machine', tone: 'good' as const }
        : st.online === true
          ? { text: 'online', tone: 'good' as const }
          : st.online === false
            ? { text: `offline${st.reason ? `: ${sanitize(st.reason)}` : ''}`, tone: 'bad' as const }
            : { text: 'not checked', tone: 'dim' as const };
      return [
        { text: sanitize(m.name), tone: 'accent' },
        { text: sanitize(m.sshTarget ?? '-') },
        status,
        { text: providersCell(st.providers) },
      ];
    }
  }
}

function layoutColumns(columns: readonly Column[], width: number): { col: Column; index: number; width: number }[] {
  const widths = fitColumnWidths(columns, width, 1);
  return columns.flatMap((col, index) => (widths[index] === null ? [] : [{ col, index, width: widths[index]! }]));
}

/**
 * The list pane: a header, then only the rows on screen. Nothing is built for the
 * thousands of rows scrolled away, which keeps a repaint cheap at any list size.
 */
export function listLines(tabId: TabId, tab: TabState, size: { width: number; rows: number }, ctx: ListContext): Line[] {
  const layout = layoutColumns(COLUMNS[tabId], size.width);
  const header: Line = [{ text: fit(layout.map((c) => fit(c.col.header, c.width)).join(' '), size.width), tone: 'header' }];
  const lines: Line[] = [header];
  const end = Math.min(tab.visible.length, tab.top + size.rows);
  for (let i = tab.top; i < end; i++) {
    const row = tab.visible[i]!;
    const all = cells(row, ctx);
    const selected = i === tab.cursor;
    const spans: Span[] = [];
    layout.forEach((c, n) => {
      const cell = all[c.index]!;
      const text = fit(cell.text, c.width, c.col.cut ?? 'end') + (n < layout.length - 1 ? ' ' : '');
      spans.push({ text, tone: selected ? 'selected' : (cell.tone ?? 'plain') });
    });
    const used = layout.reduce((a, c) => a + c.width, 0) + layout.length - 1;
    if (used < size.width) spans.push({ text: ' '.repeat(size.width - used), tone: selected ? 'selected' : 'plain' });
    lines.push(spans);
  }
  if (tab.visible.length === 0) lines.push([{ text: emptyText(tabId, tab), tone: 'dim' }]);
  return lines;
}

function emptyText(tabId: TabId, tab: TabState): string {
  switch (tab.load.kind) {
    case 'loading':
      return '  loading…';
    case 'unavailable':
      return `  ${tab.load.reason}`;
    case 'error':
      return `  error: ${tab.load.message}`;
    case 'ready':
      break;
  }
  if (tab.filter) return `  nothing matches "${tab.filter}" (Esc clears the filter)`;
  if (tabId === 'sessions') return '  no sessions yet; press n to start one, or see the Direct tab (2)';
  if (tabId === 'direct') return '  no provider sessions found on this machine';
  return '  no machines';
}
