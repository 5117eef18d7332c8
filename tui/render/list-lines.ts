import { resumeLabel } from '../../src/domain/resume-eligibility.js';
import type { BrowserRow } from '../state/browser-rows.js';
import type { TabState } from '../state/browser-state.js';
import type { TabId } from '../state/tabs.js';
import type { Line, Span, Tone } from '../view/view.js';
import { fit, relativeTime, sanitize } from './text-fit.js';

interface Column {
  readonly header: string;
  /** Fixed width, or a share of what is left over. */
  readonly width?: number;
  readonly flex?: number;
  readonly cut?: 'end' | 'start';
  /** Columns shown only when the screen is at least this wide. */
  readonly minScreen?: number;
}

interface Cell {
  readonly text: string;
  readonly tone?: Tone;
}

const SESSION_COLUMNS: readonly Column[] = [
  { header: 'ID', width: 8, minScreen: 120 },
  { header: 'AGENT', width: 8 },
  { header: 'TITLE', flex: 3 },
  { header: 'PATH', flex: 2, cut: 'start' },
  { header: 'UPDATED', width: 8 },
  { header: 'ACTIVE', width: 7 },
  { header: 'RESUME', width: 15 },
];

const DIRECT_COLUMNS: readonly Column[] = [
  { header: 'AGENT', width: 8 },
  { header: 'TITLE', flex: 3 },
  { header: 'PATH', flex: 2, cut: 'start' },
  { header: 'UPDATED', width: 8 },
  { header: 'MSGS', width: 5, minScreen: 100 },
  { header: 'STATE', width: 8 },
];

const MACHINE_COLUMNS: readonly Column[] = [
  { header: 'NAME', flex: 1 },
  { header: 'SSH TARGET', flex: 2 },
  { header: 'STATUS', flex: 2 },
  { header: 'PROVIDERS', width: 22 },
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
        { text: st.providers ? st.providers.join(',') || 'none' : '?' },
      ];
    }
  }
}

/** Widths for the columns that fit `width`; flexible ones share what the fixed ones leave. */
function layoutColumns(columns: readonly Column[], width: number): { col: Column; index: number; width: number }[] {
  const shown = columns.map((col, index) => ({ col, index })).filter(({ col }) => !col.minScreen || width >= col.minScreen);
  const gaps = shown.length - 1;
  const fixed = shown.reduce((a, { col }) => a + (col.width ?? 0), 0);
  const flexTotal = shown.reduce((a, { col }) => a + (col.flex ?? 0), 0);
  let left = Math.max(0, width - fixed - gaps);
  const out = shown.map(({ col, index }) => {
    if (col.width !== undefined) return { col, index, width: col.width };
    const w = Math.floor((Math.max(0, width - fixed - gaps) * col.flex!) / flexTotal);
    left -= w;
    return { col, index, width: w };
  });
  // The rounding remainder goes to the first flexible column.
  const firstFlex = out.find((c) => c.col.flex !== undefined);
  if (firstFlex) firstFlex.width += left;
  return out;
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
