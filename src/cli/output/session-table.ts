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
  const short = shortestUniquePrefixes(views.map((v) => v.session.id));
  const rows = views.map(({ session: s, ...v }) => [
    short.get(s.id)!,
    s.agent,
    relativeTime(s.updatedAt, opts.now),
    v.active ? 'yes' : v.ownedHere ? 'no' : `@${v.ownerMachineName ?? 'elsewhere'}`,
    resumeLabel(v.resume),
    // Title shrinks from its end, so the mark stays in sight, as in the browser.
    (s.archived ? '[archived] ' : '') + (sanitize(s.title) || '(untitled)'),
    sanitize(tildePath(s.cwd, opts.home)),
  ]);
  const c = opts.chalk;
  const lines = formatTable(
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
