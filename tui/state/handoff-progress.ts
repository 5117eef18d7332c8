import { HANDOFF_PHASES, type HandoffPhase } from '../../src/domain/handoff-journal.js';
import type { HandoffRequest } from './handoff-form.js';

export type { HandoffPhase } from '../../src/domain/handoff-journal.js';

/** The four phases a user watches, as the handoff coordinator reports them (src/domain/handoff-journal.ts). */
export const PHASES: readonly HandoffPhase[] = HANDOFF_PHASES.map((p) => p.id);

export const PHASE_LABELS = Object.fromEntries(
  HANDOFF_PHASES.map((p) => [p.id, p.label.charAt(0).toUpperCase() + p.label.slice(1)]),
) as Record<HandoffPhase, string>;

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
  /** Left to tidy after ownership moved; the next happier run finishes them. */
  readonly warnings: readonly string[];
}

export function startProgress(request: HandoffRequest): HandoffProgress {
  const pending = { status: 'pending' as const, detail: null };
  return {
    request,
    phases: Object.fromEntries(PHASES.map((ph) => [ph, pending])) as HandoffProgress['phases'],
    error: null,
    finished: false,
    warnings: [],
  };
}

export function applyHandoffEvent(p: HandoffProgress, e: HandoffEvent): HandoffProgress {
  return { ...p, phases: { ...p.phases, [e.phase]: { status: e.status, detail: e.detail ?? null } } };
}

/** A failure marks the running phase (or the first unfinished one) failed and keeps the error in full. */
export function failProgress(p: HandoffProgress, error: HandoffFailure): HandoffProgress {
  const phase =
    PHASES.find((ph) => p.phases[ph].status === 'running') ??
    PHASES.find((ph) => p.phases[ph].status === 'pending') ??
    PHASES[PHASES.length - 1]!;
  const detail = p.phases[phase].detail;
  return { ...applyHandoffEvent(p, { phase, status: 'failed', ...(detail ? { detail } : {}) }), error, finished: true };
}

export function finishProgress(p: HandoffProgress, warnings: readonly string[] = []): HandoffProgress {
  return { ...p, finished: true, warnings };
}
