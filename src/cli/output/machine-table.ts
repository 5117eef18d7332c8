/** `machine list` and `machine ping` rows, as text and as JSON. Pure. */
import type { MachineEnvironment, MachineOverrides } from '../../domain/machine.js';
import { providersCell } from '../../domain/provider-marks.js';
import type { PathsJson } from './machine-paths.js';
import type { Column } from './table-layout.js';

export interface MachineStatus {
  readonly id: string;
  readonly name: string;
  readonly target: string | null;
  readonly self: boolean;
  readonly status: 'self' | 'online' | 'offline';
  /** Why a peer is offline: refused, timeout, auth, host-key-unknown, … */
  readonly reason: string | null;
  readonly message: string | null;
  readonly latencyMs: number | null;
  readonly version: string | null;
  readonly node: string | null;
  readonly providers: readonly string[];
  /** bundled | installed, for peers reached. */
  readonly agent: string | null;
  /** The login environment: as probed now when online, else as recorded; names of variables only. */
  readonly environment: MachineEnvironment | null;
  readonly overrides: MachineOverrides;
  /** What happier runs there: each override, else the probed path. */
  readonly paths: PathsJson;
}

export const MACHINE_COLUMNS = ['NAME', 'TARGET', 'STATUS', 'LATENCY', 'VERSION', 'PROVIDERS'] as const;

/**
 * How each column gives way in a narrow terminal (table-layout.ts). The name never goes;
 * only a name longer than 20 columns (a long hostname) is ever cut.
 */
export const MACHINE_COLUMN_FIT: Readonly<Record<string, Omit<Column, 'header'>>> = {
  NAME: { shrink: 'end', minWidth: 20 },
  TARGET: { shrink: 'start', minWidth: 10, drop: 4 },
  STATUS: { shrink: 'end', minWidth: 12 },
  LATENCY: { drop: 1 },
  VERSION: { drop: 2 },
  PROVIDERS: { shrink: 'end', minWidth: 9, drop: 3 },
  PRESENCE: { drop: 5 },
};

export function machineRow(m: MachineStatus): string[] {
  const status = m.status === 'self' ? 'this machine' : m.status === 'online' ? 'online' : `offline (${reasonText(m.reason)})`;
  return [
    m.name,
    m.target ?? '-',
    status,
    m.latencyMs === null ? '-' : `${m.latencyMs} ms`,
    m.version ?? '-',
    providersCell(m.status === 'offline' ? null : m.providers),
  ];
}

export function reasonText(reason: string | null): string {
  switch (reason) {
    case 'auth':
      return 'auth failed';
    case 'host-key-unknown':
      return 'host key unknown';
    case 'host-key-changed':
      return 'HOST KEY CHANGED';
    case 'no-ssh-target':
      return 'no ssh target';
    case null:
      return 'unreachable';
    default:
      return reason.replace(/-/g, ' ');
  }
}

export function pingLine(m: MachineStatus): string {
  const parts = [`${m.name}: online`, `${m.latencyMs} ms`, `happier ${m.version}${m.agent === 'bundled' ? ' (bundled agent)' : ''}`, `node ${m.node}`];
  parts.push(m.providers.length ? `providers: ${m.providers.join(', ')}` : 'no providers');
  return parts.join(', ');
}
