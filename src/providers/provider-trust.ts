import type { Agent } from '../domain/agent.js';
import type { ProviderContext } from './provider.js';

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

/**
 * A provider's per-folder trust (Claude's trust dialog, Codex's `trust_level`). A handoff
 * carries the source's answer to the target path; it never adds trust the user did not give.
 */
export interface ProviderTrust {
  /** Whether the provider would open `paths` (one folder, spelled as given and resolved) without asking. */
  isTrusted(ctx: ProviderContext, paths: readonly string[]): boolean;
  /**
   * Marks `path` trusted the provider's way, or does nothing (null) when it already is or
   * the user said no there. `beforeWrite` gets the grant before the file changes.
   */
  grant(ctx: ProviderContext, path: string, beforeWrite: (g: TrustGrant) => void): TrustGrant | null;
  /** Takes back what `grant` added, as far as it is still there; safe to repeat. */
  revoke(ctx: ProviderContext, grant: TrustGrant): void;
}
