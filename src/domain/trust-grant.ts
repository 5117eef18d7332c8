import type { Agent } from './agent.js';

/**
 * What a trust grant added to a provider's config on this machine, enough to take exactly
 * that back later, also from another process after a crash. JSON only: it is journaled.
 */
export interface TrustGrant {
  readonly agent: Agent;
  readonly configPath: string;
  /** The folder, as the provider keys it. */
  readonly key: string;
  /** Whether the config file itself did not exist before. */
  readonly createdFile: boolean;
  /** The provider's own record of what was there before (see each adapter). */
  readonly before: unknown;
}
