import type { InputAvailability } from './message-send.js';
import type { ResumeStatus } from './resume-eligibility.js';

/** What decides whether `happier send` can reach a session, as a list or a detail view knows it. */
export interface InputFacts {
  readonly archived: boolean;
  readonly active: boolean;
  readonly resume: ResumeStatus;
  readonly ownedHere: boolean;
  /**
   * For a session owned elsewhere: whether its owner can be reached at all, by an ssh
   * target or a sync server that says it is online. False when neither is known to work.
   */
  readonly ownerReachable: boolean;
  /** What the owner published about it, when the server says the owner is online now. */
  readonly ownerInput?: InputAvailability | null;
}

const enabled = (reason: InputAvailability['reason']): InputAvailability => ({ state: 'enabled', reason });
const disabled = (reason: InputAvailability['reason']): InputAvailability => ({ state: 'disabled', reason });

/**
 * The seed rules of `send`, in the order it applies them: an archived session takes
 * nothing; another machine's session is the owner's to judge, if it can be reached; a
 * running one takes the text in its pane; an inactive one only through a strict resume.
 * An owner that published its own answer knows best (running, resumable, …).
 */
export function inputAvailability(f: InputFacts): InputAvailability {
  if (f.archived) return disabled('archived');
  if (!f.ownedHere) return f.ownerReachable ? (f.ownerInput ?? enabled('owner-elsewhere')) : disabled('owner-offline');
  if (f.active) return enabled('running');
  if (f.resume.status === 'yes') return enabled('resumable');
  return disabled(`not-resumable:${f.resume.reason}`);
}

/** The reason in words, for the browser's status line and `session show`. */
export function inputReasonText(reason: InputAvailability['reason']): string {
  if (reason.startsWith('not-resumable:')) return `it is not running and cannot be resumed (${reason.slice('not-resumable:'.length)})`;
  switch (reason) {
    case 'running':
      return 'it is running; the message goes into its pane';
    case 'resumable':
      return 'it is not running; a send resumes it first';
    case 'archived':
      return 'it is archived; unarchive it first (a)';
    case 'owner-offline':
      return 'its owner machine cannot be reached from here';
    case 'owner-elsewhere':
      return 'another machine owns it; the message goes there';
  }
  return reason;
}
