import { backendSupportsResume, type Agent, type Backend } from './agent.js';
import type { Settings } from './settings.js';

export type ResumeBlock = 'archived' | 'off' | 'unsupported' | 'disabled' | 'missing-id' | 'empty';
export type ResumeStatus = { readonly status: 'yes' } | { readonly status: 'no'; readonly reason: ResumeBlock };

interface ResumeSubject {
  readonly agent: Agent;
  readonly backend: Backend;
  readonly vendorSessionId: string | null;
  readonly archived?: boolean;
}

const YES: ResumeStatus = Object.freeze({ status: 'yes' });
const NO = Object.fromEntries(
  (['archived', 'off', 'unsupported', 'disabled', 'missing-id', 'empty'] as const).map((r) => [r, Object.freeze({ status: 'no', reason: r })]),
) as Record<ResumeBlock, ResumeStatus>;

/**
 * The RESUME column. The checks run in DESIGN.md's order; the first that fails names the
 * reason. `hasConversation` is whether the provider has the conversation on disk: a
 * session that never got a first message has an id but nothing the provider can reopen.
 */
export function resumeEligibility(session: ResumeSubject, settings: Settings, hasConversation = true): ResumeStatus {
  if (session.archived) return NO.archived;
  const backend = settings.backends[session.agent];
  if (!backend.enabled) return NO.off;
  if (!backendSupportsResume(session.agent, session.backend)) return NO.unsupported;
  if (!backend.resume) return NO.disabled;
  if (!session.vendorSessionId) return NO['missing-id'];
  if (!hasConversation) return NO.empty;
  return YES;
}

export function resumeLabel(status: ResumeStatus): string {
  return status.status === 'yes' ? 'yes' : `no(${status.reason})`;
}

const BLOCK_EXPLANATIONS: Record<ResumeBlock, string> = {
  archived: 'it is archived',
  off: 'its backend is turned off in settings',
  unsupported: 'its provider path cannot reopen a conversation',
  disabled: 'resume is turned off for this provider in settings',
  'missing-id': 'happier never learned the provider\'s session id',
  empty: 'the session never got a first message, so the provider has no conversation to reopen',
};

export function explainResumeBlock(reason: ResumeBlock): string {
  return BLOCK_EXPLANATIONS[reason];
}
