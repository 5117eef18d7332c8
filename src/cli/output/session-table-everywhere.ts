import type { ChalkInstance } from 'chalk';
import { resumeLabel } from '../../domain/resume-eligibility.js';
import { shortestUniquePrefixes } from '../../domain/session-selector.js';
import type { SessionView } from '../../domain/session-view.js';
import { relativeTime } from '../../domain/relative-time.js';
import { tildePath } from './session-table.js';
import { formatTable, type Column } from './table-layout.js';
import { sanitize } from '../../domain/text-width.js';

const COLUMNS: readonly Column[] = [
  { header: 'ID' },
  { header: 'AGENT', drop: 3 },
  { header: 'UPDATED', drop: 2 },
  { header: 'MACHINE', shrink: 'end', minWidth: 20 },
  { header: 'ACTIVE', drop: 4 },
  { header: 'RESUME', drop: 5 },
  { header: 'TITLE', shrink: 'end', minWidth: 10 },
  { header: 'PATH', shrink: 'start', minWidth: 10, drop: 1 },
];

/** `session list --everywhere`: the contract columns plus the owning machine and whether it is online. */
export function formatEverywhereTable(
  views: readonly SessionView[],
  online: ReadonlyMap<string, boolean>,
  opts: { now: Date; width: number | null; home: string; chalk: ChalkInstance },
): string {
  const short = shortestUniquePrefixes(views.map((v) => v.session.id));
  const rows = views.map(({ session: s, ...v }) => {
    const name = sanitize(v.ownerMachineName ?? s.ownerMachineId.slice(0, 8));
    const state = v.ownedHere ? ' (this)' : online.get(s.ownerMachineId) === false ? ' (offline)' : '';
    return [
      short.get(s.id)!,
      s.agent,
      relativeTime(s.updatedAt, opts.now),
      name + state,
      v.active ? 'yes' : v.ownedHere ? 'no' : '-',
      v.ownedHere ? resumeLabel(v.resume) : '-',
      sanitize(s.title) || '(untitled)',
      // A path on another machine is shown as it is there; ~ would mean this machine's home.
      sanitize(v.ownedHere ? tildePath(s.cwd, opts.home) : s.cwd),
    ];
  });
  const c = opts.chalk;
  return (
    formatTable(
      COLUMNS,
      rows,
      opts.width,
      (col, text) => {
        if (col === 0) return c.cyan(text);
        if (col === 3 && text.endsWith('(offline)')) return c.dim(text);
        if (col === 4 && text === 'yes') return c.green(text);
        return text;
      },
      (h) => c.bold(h),
    ).join('\n') + '\n'
  );
}
