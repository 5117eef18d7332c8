/**
 * The steps of a handoff as the source's journal records them. Each is written only
 * after the step is known to have happened, so after a crash the last one recorded is a
 * lower bound on what happened, never an overstatement.
 */
export const HANDOFF_STEPS = [
  'planned',
  'target-prepared',
  'source-quiesced',
  'state-moved',
  'workspace-synced',
  'target-registered',
  'committed',
  'finished',
  'rolled-back',
] as const;

export type HandoffStep = (typeof HANDOFF_STEPS)[number];

/** The four phases a user is shown, and the steps each covers. */
export const HANDOFF_PHASES = [
  { id: 'prepare', label: 'preparing the target' },
  { id: 'move', label: 'moving the session state' },
  { id: 'resume', label: 'resuming on the target' },
  { id: 'commit', label: 'updating ownership' },
] as const;

export type HandoffPhase = (typeof HANDOFF_PHASES)[number]['id'];

export interface JournalEntry {
  readonly id: string;
  readonly sessionId: string;
  readonly targetMachineId: string;
  readonly step: HandoffStep;
  /** Whether the provider was running on the source when the handoff began. */
  readonly sourceWasRunning: boolean;
  readonly fromEpoch: number;
}

export type RecoveryAction =
  | { readonly kind: 'nothing' }
  /** The commit point was passed, or the target already runs the session: complete it. */
  | { readonly kind: 'finish'; readonly commitSource: boolean }
  /** Nothing on the target owns the session yet: discard it there and give it back to the source. */
  | { readonly kind: 'undo'; readonly restartSource: boolean };

export function stepIndex(step: HandoffStep): number {
  return HANDOFF_STEPS.indexOf(step);
}

export function isOpen(step: HandoffStep): boolean {
  return step !== 'finished' && step !== 'rolled-back';
}

/**
 * What the next happier run (or `happier doctor`) does with a handoff a crash cut short.
 * Before the target registered the session, the source still owns it and the target's
 * staging is discarded. Once the target has registered and resumed it, finishing is the
 * only way that leaves one owner without stopping a running session.
 */
export function recoveryPlan(entry: JournalEntry): RecoveryAction {
  if (!isOpen(entry.step)) return { kind: 'nothing' };
  if (stepIndex(entry.step) >= stepIndex('target-registered')) {
    return { kind: 'finish', commitSource: entry.step === 'target-registered' };
  }
  return { kind: 'undo', restartSource: entry.sourceWasRunning && stepIndex(entry.step) >= stepIndex('source-quiesced') };
}

/** Journal steps never go backwards, except to roll back. */
export function canAdvance(from: HandoffStep, to: HandoffStep): boolean {
  if (!isOpen(from)) return false;
  if (to === 'rolled-back') return stepIndex(from) < stepIndex('committed');
  return stepIndex(to) > stepIndex(from);
}
