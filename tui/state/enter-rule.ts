import { explainResumeBlock, resumeLabel } from '../../src/domain/resume-eligibility.js';
import type { SessionView } from '../../src/domain/session-view.js';

export type EnterOutcome =
  | { readonly kind: 'attach' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'explain'; readonly text: string };

/**
 * What Enter does on a synced session: attach when it runs (on its owner over ssh -t
 * when another machine owns it), resume when it can be reopened, and otherwise say why
 * neither is possible, naming the RESUME reason.
 */
export function enterOutcome(v: SessionView): EnterOutcome {
  const s = v.session;
  if (!v.ownedHere) {
    // An owner happier has an ssh target for is reached the way `happier attach` does: ssh -t.
    if (v.input.reason === 'owner-elsewhere' && !s.archived) return { kind: 'attach' };
    const owner = v.ownerMachineName ?? 'another machine';
    return {
      kind: 'explain',
      text: `it is owned by ${owner}, which happier cannot reach; add it with \`happier machine add ${owner} <ssh-target>\`, or hand it off here from there`,
    };
  }
  if (v.active) return { kind: 'attach' };
  if (s.archived) return { kind: 'explain', text: 'it is archived; press a to unarchive it first' };
  if (v.resume.status === 'yes') return { kind: 'resume' };
  return { kind: 'explain', text: `cannot resume, ${resumeLabel(v.resume)}: ${explainResumeBlock(v.resume.reason)}` };
}
