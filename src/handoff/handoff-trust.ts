/**
 * The source's half of "trust carried with the session": whether the provider trusts the
 * session's folder here, read once for the plan and sent in the bundle header. The target
 * trusts its path only when this says yes, so a handoff never adds trust the user did not give.
 */
import type { Agent } from '../domain/agent.js';
import { isHappierError } from '../domain/errors.js';
import type { HandoffDeps } from './handoff-deps.js';

export interface SourceTrust {
  readonly trusted: boolean;
  /** What the plan tells the user, or null for a provider without folder trust. */
  readonly note: string | null;
}

export async function sourceTrust(deps: HandoffDeps, agent: Agent, cwd: string, target: { readonly name: string; readonly path: string }): Promise<SourceTrust> {
  const provider = await deps.loadProvider(agent);
  if (!provider.trust) return { trusted: false, note: null };
  const real = deps.realpath(cwd);
  try {
    const trusted = provider.trust.isTrusted(deps.providerContext, real && real !== cwd ? [cwd, real] : [cwd]);
    return trusted
      ? { trusted, note: `${agent} trusts ${cwd} here, so ${target.path} is marked trusted on ${target.name} too` }
      : { trusted, note: `${agent} has not trusted ${cwd} here, so it asks about ${target.path} on ${target.name}` };
  } catch (err) {
    if (!isHappierError(err)) throw err;
    // An unreadable config is no evidence of trust; the move itself need not fail for it.
    return { trusted: false, note: `${target.path} is not marked trusted on ${target.name}: ${err.message}` };
  }
}
