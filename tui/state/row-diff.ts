import type { BrowserRow } from './browser-rows.js';

function sameRow(a: BrowserRow, b: BrowserRow): boolean {
  if (a.kind === 'session' && b.kind === 'session') {
    const x = a.view;
    const y = b.view;
    const s = x.session;
    const t = y.session;
    return (
      x.active === y.active &&
      x.ownerMachineName === y.ownerMachineName &&
      x.resume.status === y.resume.status &&
      (x.resume.status === 'yes' || y.resume.status === 'yes' || x.resume.reason === y.resume.reason) &&
      s.updatedAt === t.updatedAt &&
      s.lastActivityAt === t.lastActivityAt &&
      s.title === t.title &&
      s.cwd === t.cwd &&
      s.archived === t.archived &&
      s.vendorSessionId === t.vendorSessionId &&
      s.ownerMachineId === t.ownerMachineId &&
      s.ownerEpoch === t.ownerEpoch &&
      s.backend === t.backend &&
      JSON.stringify(s.terminal) === JSON.stringify(t.terminal)
    );
  }
  if (a.kind === 'direct' && b.kind === 'direct') {
    const d = a.direct;
    const e = b.direct;
    return (
      a.takenOver === b.takenOver &&
      d.updatedAt === e.updatedAt &&
      d.title === e.title &&
      d.cwd === e.cwd &&
      d.sizeBytes === e.sizeBytes &&
      d.messageCount === e.messageCount &&
      d.path === e.path
    );
  }
  if (a.kind === 'machine' && b.kind === 'machine') {
    return JSON.stringify([a.machine, a.status]) === JSON.stringify([b.machine, b.status]);
  }
  return false;
}

/**
 * The new rows, with every row that did not change replaced by the object already on
 * screen; `unchanged` when the list is the same rows in the same order. Reused objects
 * keep their prepared filter targets, and an unchanged refresh repaints nothing.
 */
export function reuseRows(previous: readonly BrowserRow[], next: readonly BrowserRow[]): { rows: readonly BrowserRow[]; unchanged: boolean } {
  const byId = new Map(previous.map((r) => [r.id, r]));
  let unchanged = previous.length === next.length;
  const rows = next.map((row, i) => {
    const old = byId.get(row.id);
    if (old && sameRow(old, row)) {
      if (previous[i] !== old) unchanged = false;
      return old;
    }
    unchanged = false;
    return row;
  });
  return { rows, unchanged };
}
