import type { Session } from '../domain/session.js';
import { tmuxSessionName } from '../../shell/tmux/tmux-argv.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { startProviderInTmux } from './provider-start.js';
import { resumeRefusal } from './resume-checks.js';
import { isRunning, otherOwner } from './session-facts.js';

export interface ResumedSession {
  readonly session: Session;
  readonly sessionName: string;
}

/**
 * Strict resume: the provider's own resume of exactly this vendor session, from the
 * session's cwd, or an error. It never falls back to a fresh session, and a failed
 * resume leaves the record as it was.
 */
/** Why this machine must not resume `session` now, by the rules in resume-checks; null if it may. */
export async function resumeRefusalOf(deps: LifecycleDeps, session: Session) {
  return resumeRefusal({
    session,
    selfMachineId: deps.selfMachineId,
    owner: otherOwner(deps, session),
    active: await isRunning(deps, session),
    settings: deps.settings.settings(),
    cwdExists: deps.isDirectory(session.cwd),
    hasConversation: !(await deps.withoutConversation([session])).has(session.id),
  });
}

export async function resumeSession(deps: LifecycleDeps, selector: string): Promise<ResumedSession> {
  const session = deps.sessions.resolve(selector);
  const refusal = await resumeRefusalOf(deps, session);
  if (refusal) throw refusal;
  // A handoff committed elsewhere may not have reached this registry yet.
  await deps.confirmOwnership(session);

  const provider = await deps.loadProvider(session.agent);
  const spec = provider.resumeCommand(deps.providerContext, { cwd: session.cwd, vendorSessionId: session.vendorSessionId! });
  const sessionName = tmuxSessionName(session.id);
  const terminal = await startProviderInTmux(deps, {
      agent: session.agent,
    sessionName,
    title: session.title,
    spec,
    label: `${session.agent} resume`,
    hint: `the session was left as it was; \`happier session show ${session.id.slice(0, 8)}\` shows what happier knows`,
  });
  const now = deps.clock.now().toISOString();
  const updated = deps.sessions.update(session.id, (s) => ({
    ...s,
    terminal,
    updatedAt: now,
    lastActivityAt: now,
  }));
  return { session: updated, sessionName };
}
