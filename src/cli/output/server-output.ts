import type { ChalkInstance } from 'chalk';
import { relativeTime } from '../../domain/relative-time.js';
import { formatTable } from './table-layout.js';
import { sanitize } from '../../domain/text-width.js';

export interface PresenceRow {
  readonly machineId: string;
  readonly name: string;
  readonly sshTarget: string | null;
  readonly online: boolean;
  readonly lastSeenAt: string;
}

export function formatPresenceTable(rows: readonly PresenceRow[], selfId: string, opts: { now: Date; width: number | null; chalk: ChalkInstance }): string {
  const c = opts.chalk;
  return (
    formatTable(
      [{ header: 'MACHINE', shrink: 'end', minWidth: 20 }, { header: 'STATE' }, { header: 'LAST SEEN', drop: 1 }, { header: 'SSH', shrink: 'end', minWidth: 8, drop: 2 }, { header: 'ID' }],
      rows.map((m) => [
        sanitize(m.name) + (m.machineId === selfId ? ' (this)' : ''),
        m.online ? 'online' : 'offline',
        relativeTime(m.lastSeenAt, opts.now),
        sanitize(m.sshTarget ?? '-'),
        m.machineId.slice(0, 8),
      ]),
      opts.width,
      (col, text) => (col === 1 ? (text === 'online' ? c.green(text) : c.dim(text)) : text),
      (h) => c.bold(h),
    ).join('\n') + '\n'
  );
}

export interface PairingRow {
  readonly id: string;
  readonly status: string;
  readonly lookup: string | null;
  readonly sessionId: string | null;
  readonly title: string | null;
  readonly expiresAt: string;
  readonly createdAt: string;
}

export function formatPairingTable(rows: readonly PairingRow[], opts: { now: Date; width: number | null; chalk: ChalkInstance }): string {
  const c = opts.chalk;
  return (
    formatTable(
      [{ header: 'CODE' }, { header: 'STATUS' }, { header: 'ISSUED', drop: 1 }, { header: 'EXPIRES', drop: 3 }, { header: 'SESSION' }, { header: 'TITLE', shrink: 'end', minWidth: 8, drop: 2 }],
      rows.map((p) => [
        p.lookup ? `${p.lookup}-…` : '?',
        p.status,
        relativeTime(p.createdAt, opts.now),
        p.status === 'issued' ? untilText(p.expiresAt, opts.now) : '-',
        p.sessionId ? p.sessionId.slice(0, 8) : '?',
        sanitize(p.title ?? ''),
      ]),
      opts.width,
      (col, text) => (col === 1 ? (text === 'issued' ? c.green(text) : c.dim(text)) : text),
      (h) => c.bold(h),
    ).join('\n') + '\n'
  );
}

/** "in 1m 40s" for a time in the future. */
export function untilText(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((Date.parse(iso) - now.getTime()) / 1000));
  if (s < 60) return `in ${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `in ${m}m ${s % 60}s` : `in ${m}m`;
}
