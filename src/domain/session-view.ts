import type { InputAvailability } from './message-send.js';
import { resumeEligibility, type ResumeStatus } from './resume-eligibility.js';
import { inputAvailability } from './session-input.js';
import type { Session } from './session.js';
import type { Settings } from './settings.js';
import { isTmuxTerminalLive, type LiveTmux } from './tmux-liveness.js';

/**
 * A session as lists and details show it: the record plus what is derived from the
 * world. It holds the record rather than copying it, since lists build thousands.
 */
export interface SessionView {
  readonly session: Session;
  readonly active: boolean;
  readonly resume: ResumeStatus;
  readonly ownerMachineName: string | null;
  readonly ownedHere: boolean;
  /** Whether `happier send` can reach it, and why. */
  readonly input: InputAvailability;
}

export interface ViewContext {
  readonly settings: Settings;
  readonly selfMachineId: string;
  readonly machineNames: ReadonlyMap<string, string>;
  /** The tmux servers sessions were recorded on, each asked once with `list-panes -a`. */
  readonly liveTmux: LiveTmux;
  /** Other machines a send can reach: an ssh target is known, or the sync server says they are online. */
  readonly reachableMachines: ReadonlySet<string>;
  /**
   * Sessions of this machine whose provider has no conversation on disk yet (no first
   * message). Absent when nobody looked: then every recorded vendor id counts as one.
   */
  readonly withoutConversation?: ReadonlySet<string>;
  /** By session id: the input state an online owner published, for sessions owned elsewhere. */
  readonly ownerInputs?: ReadonlyMap<string, InputAvailability>;
}

export function isActive(s: Session, selfMachineId: string, live: LiveTmux): boolean {
  if (s.ownerMachineId !== selfMachineId || !s.terminal) return false;
  return s.terminal.kind === 'tmux' && isTmuxTerminalLive(s.terminal, live);
}

export function viewSession(s: Session, ctx: ViewContext): SessionView {
  const active = isActive(s, ctx.selfMachineId, ctx.liveTmux);
  const resume = resumeEligibility(s, ctx.settings, !ctx.withoutConversation?.has(s.id));
  const ownedHere = s.ownerMachineId === ctx.selfMachineId;
  return {
    session: s,
    active,
    resume,
    ownerMachineName: ctx.machineNames.get(s.ownerMachineId) ?? null,
    ownedHere,
    input: inputAvailability({
      archived: s.archived,
      active,
      resume,
      ownedHere,
      ownerReachable: ctx.reachableMachines.has(s.ownerMachineId),
      ownerInput: ctx.ownerInputs?.get(s.id) ?? null,
    }),
  };
}

export interface ListFilter {
  readonly resumable?: boolean;
  readonly active?: boolean;
}

/** `--resumable` keeps the `yes` rows that are also inactive and not archived. */
export function viewMatches(v: SessionView, f: ListFilter): boolean {
  return (
    (!f.active || v.active) &&
    (!f.resumable || (v.resume.status === 'yes' && !v.active && !v.session.archived && v.ownedHere))
  );
}

export function filterViews(views: readonly SessionView[], f: ListFilter): SessionView[] {
  return views.filter((v) => viewMatches(v, f));
}

/** Whether any session could be running in tmux here, so a list can skip asking tmux at all. */
export function needsLiveness(sessions: readonly Session[], selfMachineId: string): boolean {
  return sessions.some((s) => s.ownerMachineId === selfMachineId && s.terminal?.kind === 'tmux');
}
