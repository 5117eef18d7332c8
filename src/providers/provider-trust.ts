import type { TrustGrant } from '../domain/trust-grant.js';
import type { ProviderContext } from './provider.js';

export type { TrustGrant } from '../domain/trust-grant.js';

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
