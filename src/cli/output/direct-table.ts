import type { ChalkInstance } from 'chalk';
import type { DirectSession } from '../../domain/session.js';
import { relativeTime } from '../../domain/relative-time.js';
import { tildePath } from './session-table.js';
import { formatTable, type Column } from './table-layout.js';
import { sanitize } from '../../domain/text-width.js';
import { humanSize } from '../../domain/byte-size.js';

export interface DirectRow {
  readonly session: DirectSession;
  /** The happier id of the synced session that took it over, or null. */
  readonly takenOver: string | null;
}

/** The stable JSON form of a direct session (DESIGN.md). */
export function directSessionJson(r: DirectRow) {
  const s = r.session;
  return {
    agent: s.agent,
    vendorSessionId: s.vendorSessionId,
    cwd: s.cwd,
    title: s.title,
    updatedAt: s.updatedAt,
    sizeBytes: s.sizeBytes,
    messageCount: s.messageCount,
    takenOver: r.takenOver,
    path: s.path,
  };
}

export { humanSize };

const COLUMNS: readonly Column[] = [
  { header: 'AGENT' },
  { header: 'VENDOR-ID', shortId: true },
  { header: 'UPDATED', drop: 4 },
  { header: 'MSGS', drop: 1 },
  { header: 'SIZE', drop: 2 },
  { header: 'TAKEN', drop: 3 },
  { header: 'TITLE', shrink: 'end', minWidth: 10 },
  { header: 'PATH', shrink: 'start', minWidth: 10, drop: 5 },
];

export function formatDirectTable(
  rows: readonly DirectRow[],
  opts: { now: Date; width: number | null; home: string; chalk: ChalkInstance },
): string {
  const cells = rows.map(({ session: s, takenOver }) => [
    s.agent,
    s.vendorSessionId,
    relativeTime(s.updatedAt, opts.now),
    String(s.messageCount),
    humanSize(s.sizeBytes),
    takenOver ? takenOver.slice(0, 8) : '-',
    sanitize(s.title) || '(untitled)',
    sanitize(tildePath(s.cwd, opts.home)) || '?',
  ]);
  const c = opts.chalk;
  const lines = formatTable(
    COLUMNS,
    cells,
    opts.width,
    (col, text) => (col === 1 ? c.cyan(text) : col === 5 && text !== '-' ? c.green(text) : text),
    (h) => c.bold(h),
  );
  return lines.join('\n') + '\n';
}
