import { HappierError } from '../domain/errors.js';
import { explainResumeBlock, resumeEligibility, type ResumeBlock } from '../domain/resume-eligibility.js';
import type { Session } from '../domain/session.js';
import type { Settings } from '../domain/settings.js';
import { sshHappierLine } from '../../shell/ssh-line.js';

export interface ResumeFacts {
  readonly session: Session;
  readonly selfMachineId: string;
  readonly owner: { readonly name: string; readonly sshTarget: string | null } | null;
  readonly active: boolean;
  readonly settings: Settings;
  readonly cwdExists: boolean;
  /** Whether the provider has the conversation on disk (see conversation-presence). */
  readonly hasConversation: boolean;
}

/**
 * Why `resume` must not start this session, or null if it may. The first rule that
 * fails names the refusal: archived, owned elsewhere, running, not resumable, cwd gone.
 */
export function resumeRefusal(f: ResumeFacts): HappierError | null {
  const s = f.session;
  const short = s.id.slice(0, 8);
  if (s.archived) {
    return new HappierError('ARCHIVED', `session ${short} is archived`, {
      hint: `bring it back with \`happier session unarchive ${short}\` first`,
    });
  }
  if (s.ownerMachineId !== f.selfMachineId) return notOwner(s, f.owner, 'resume');
  if (f.active) {
    return new HappierError('ALREADY_ACTIVE', `session ${short} is already running`, {
      hint: `happier attach ${short}`,
    });
  }
  const eligibility = resumeEligibility(s, f.settings, f.hasConversation);
  if (eligibility.status === 'no') {
    if (eligibility.reason === 'empty') return nothingToResume(s);
    return new HappierError('NOT_RESUMABLE', `session ${short} cannot be resumed: ${explainResumeBlock(eligibility.reason)}`, {
      hint: resumeHint(s, eligibility.reason),
      details: { reason: eligibility.reason },
    });
  }
  if (!f.cwdExists) {
    return new HappierError('PATH_MISSING', `the session's directory ${s.cwd} no longer exists`, {
      // Not a handoff: that moves a session to another machine, and this one has lost the folder.
      hint: `the provider reopens it only from that folder, which is gone on this machine: restore ${s.cwd} (or check it out there again), then \`happier resume ${short}\`; \`happier session show ${short}\` shows the path`,
      details: { path: s.cwd },
    });
  }
  return null;
}

/**
 * The provider was started but never given a first message, so it wrote no conversation:
 * its own resume would only say "No conversation found".
 */
export function nothingToResume(s: Session): HappierError {
  return new HappierError('NOTHING_TO_RESUME', 'nothing to resume yet: the session never got a first message', {
    hint: `start a new session with \`happier new --agent ${s.agent}\` and give it a first message`,
    details: { reason: 'empty' },
  });
}

function resumeHint(s: Session, reason: Exclude<ResumeBlock, 'empty'>): string {
  switch (reason) {
    case 'archived':
      return `bring it back with \`happier session unarchive ${s.id.slice(0, 8)}\` first`;
    case 'off':
      return `turn the backend on with \`happier settings set backends.${s.agent}.enabled true\``;
    case 'disabled':
      return `allow it with \`happier settings set backends.${s.agent}.resume true\``;
    case 'unsupported':
      return `this backend has no vendor resume; start a new session with \`happier new --agent ${s.agent}\``;
    case 'missing-id':
      return `without the provider's id happier would have to guess; start a new session with \`happier new --agent ${s.agent}\``;
  }
}

/** NOT_OWNER for a session another machine owns, with the ssh line that reaches it when known. */
export function notOwner(
  s: Session,
  owner: { readonly name: string; readonly sshTarget: string | null } | null,
  verb: 'resume' | 'attach' | 'stop' | 'send',
): HappierError {
  const name = owner?.name ?? s.ownerMachineId;
  return new HappierError('NOT_OWNER', `session ${s.id.slice(0, 8)} is owned by ${name}, not this machine`, {
    hint: owner?.sshTarget
      ? `run it there: ${sshHappierLine(owner.sshTarget, [verb, s.id])}`
      : `add that machine with \`happier machine add ${name} <ssh-target>\` to reach it`,
    details: { owner: name, ...(owner?.sshTarget ? { ssh: sshHappierLine(owner.sshTarget, [verb, s.id]) } : {}) },
  });
}
