import type { HandoffRequest } from './handoff-form.js';

/** The four phases a user watches; the coordinator's finer steps report into them. */
export const HANDOFF_PHASES = ['preflight', 'state', 'workspace', 'resume'] as const;
export type HandoffPhase = (typeof HANDOFF_PHASES)[number];

export const PHASE_LABELS: Record<HandoffPhase, string> = {
  preflight: 'Preflight checks',
  state: 'Stop and move provider state',
  workspace: 'Workspace transfer',
  resume: 'Resume on target and commit ownership',
};

export type PhaseStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface HandoffEvent {
  readonly phase: HandoffPhase;
  readonly status: Exclude<PhaseStatus, 'pending'>;
  readonly detail?: string;
}

export interface HandoffFailure {
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
}

export interface HandoffProgress {
  readonly request: HandoffRequest;
  readonly phases: Readonly<Record<HandoffPhase, { readonly status: PhaseStatus; readonly detail: string | null }>>;
  readonly error: HandoffFailure | null;
  readonly finished: boolean;
}

export function startProgress(request: HandoffRequest): HandoffProgress {
  const pending = { status: 'pending' as const, detail: null };
  return {
    request,
    phases: { preflight: pending, state: pending, workspace: pending, resume: pending },
    error: null,
    finished: false,
  };
}

export function applyHandoffEvent(p: HandoffProgress, e: HandoffEvent): HandoffProgress {
  return { ...p, phases: { ...p.phases, [e.phase]: { status: e.status, detail: e.detail ?? null } } };
}

/** A failure marks the running phase (or the first unfinished one) failed and keeps the error in full. */
export function failProgress(p: HandoffProgress, error: HandoffFailure): HandoffProgress {
  const phase =
    HANDOFF_PHASES.find((ph) => p.phases[ph].status === 'running') ??
    HANDOFF_PHASES.find((ph) => p.phases[ph].status === 'pending') ??
    'resume';
  const detail = p.phases[phase].detail;
  return { ...applyHandoffEvent(p, { phase, status: 'failed', ...(detail ? { detail } : {}) }), error, finished: true };
}

export function finishProgress(p: HandoffProgress): HandoffProgress {
  return { ...p, finished: true };
}
