import type { ChalkInstance } from 'chalk';
import { resumeLabel } from '../../domain/resume-eligibility.js';
import { shortestUniquePrefixes } from '../../domain/session-selector.js';
import type { SessionView } from '../../domain/session-view.js';
import { relativeTime } from '../../domain/relative-time.js';
import { formatTable, type Column } from './table-layout.js';
import { sanitize } from '../../domain/text-width.js';

const COLUMNS: readonly Column[] = [
  { header: 'ID' },
  { header: 'AGENT', drop: 3 },
  { header: 'UPDATED', drop: 2 },
  { header: 'ACTIVE', drop: 4 },
  { header: 'RESUME' },
  { header: 'TITLE', shrink: 'end', minWidth: 10 },
  { header: 'PATH', shrink: 'start', minWidth: 10, drop: 1 },
];

export function tildePath(path: string, home: string): string {
  if (home && (path === home || path.startsWith(home + '/'))) return '~' + path.slice(home.length);
  return path;
}

export interface TableOptions {
  readonly now: Date;
  readonly width: number | null;
  readonly home: string;
  readonly chalk: ChalkInstance;
}

export function formatSessionTable(views: readonly SessionView[], opts: TableOptions): string {
  return formatSessionRows(
    views.map((v) => sessionRow(v, opts)),
    opts,
  );
}

/**
 * One session's cells, in column order, with its full id: a long list keeps only these
 * while it reads, not the sessions, and formatSessionRows shortens the ids once all are in.
 */
export function sessionRow(v: SessionView, opts: Pick<TableOptions, 'now' | 'home'>): string[] {
  const s = v.session;
  return [
    s.id,
    s.agent,
    relativeTime(s.updatedAt, opts.now),
    v.active ? 'yes' : v.ownedHere ? 'no' : `@${v.ownerMachineName ?? 'elsewhere'}`,
    resumeLabel(v.resume),
    // Title shrinks from its end, so the mark stays in sight, as in the browser.
    (s.archived ? '[archived] ' : '') + (sanitize(s.title) || '(untitled)'),
    sanitize(tildePath(s.cwd, opts.home)),
  ];
}

/** The table of rows made by sessionRow; it cuts their ids to unique prefixes in place. */
export function formatSessionRows(rows: string[][], opts: TableOptions): string {
  const short = shortestUniquePrefixes(rows.map((r) => r[0]!));
  for (const r of rows) r[0] = short.get(r[0]!)!;
  const c = opts.chalk;
  // Without colour every style is the text itself; skipping them spares a chalk call per cell.
  const lines =
    c.level === 0
      ? formatTable(COLUMNS, rows, opts.width)
      : formatTable(
          COLUMNS,
          rows,
          opts.width,
          (col, text) => {
            if (col === 0) return c.cyan(text);
            if (col === 3 && text === 'yes') return c.green(text);
            if (col === 4) return text === 'yes' ? c.green(text) : c.dim(text);
            return text;
          },
          (h) => c.bold(h),
        );
  return lines.join('\n') + '\n';
}

/** `--plain`: one line per session, `<id> <agent> <active|inactive> <path>`. */
export function formatSessionPlain(views: readonly SessionView[]): string {
  return views
    .map((v) => `${v.session.id} ${v.session.agent} ${v.active ? 'active' : 'inactive'} ${sanitize(v.session.cwd)}\n`)
    .join('');
}
