import type { Machine } from '../../src/domain/machine.js';
import type { DirectSession } from '../../src/domain/session.js';
import type { SessionView } from '../../src/domain/session-view.js';

/** What the Machines tab knows about a peer: null while nobody has checked. */
export interface MachineStatus {
  readonly online: boolean | null;
  /** Why it is offline, as the check reported it. */
  readonly reason: string | null;
  /** Provider CLIs found on it; null when unknown. */
  readonly providers: readonly string[] | null;
}

export const UNKNOWN_STATUS: MachineStatus = Object.freeze({ online: null, reason: null, providers: null });

export type BrowserRow =
  | { readonly kind: 'session'; readonly id: string; readonly view: SessionView; readonly search: string }
  | {
      readonly kind: 'direct';
      readonly id: string;
      readonly direct: DirectSession;
      /** The happier id it was taken over into, or null. */
      readonly takenOver: string | null;
      readonly search: string;
    }
  | { readonly kind: 'machine'; readonly id: string; readonly machine: Machine; readonly status: MachineStatus; readonly search: string };

export type SessionRow = Extract<BrowserRow, { kind: 'session' }>;
export type DirectRow = Extract<BrowserRow, { kind: 'direct' }>;
export type MachineRow = Extract<BrowserRow, { kind: 'machine' }>;

export function sessionRow(view: SessionView): SessionRow {
  const s = view.session;
  return { kind: 'session', id: s.id, view, search: `${s.title} ${s.cwd} ${s.agent} ${s.id}` };
}

/** Direct sessions are keyed by agent and vendor id: two providers could share an id shape. */
export function directRow(direct: DirectSession, takenOver: string | null): DirectRow {
  return {
    kind: 'direct',
    id: `${direct.agent}:${direct.vendorSessionId}`,
    direct,
    takenOver,
    search: `${direct.title} ${direct.cwd} ${direct.agent} ${direct.vendorSessionId}`,
  };
}

export function machineRow(machine: Machine, status: MachineStatus): MachineRow {
  return { kind: 'machine', id: machine.id, machine, status, search: `${machine.name} ${machine.sshTarget ?? ''}` };
}
