import { AGENTS, type Agent } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import { resolveId } from '../domain/id-prefix.js';
import type { DirectSession } from '../domain/session.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import type { CliContext } from './context.js';

/**
 * What the `direct` commands and `session show --messages` share: loading providers,
 * scanning them through the registry's scan cache, and finding one direct session.
 */
export async function providerContext(ctx: CliContext): Promise<ProviderContext> {
  const [{ providerContextFromEnv }, { nodeProcessRunner }] = await Promise.all([
    import('../providers/all-providers.js'),
    import('../../shell/node-process-runner.js'),
  ]);
  return providerContextFromEnv(ctx.io.env, ctx.io.homeDir, nodeProcessRunner);
}

/** The provider, or undefined when this build has none for the agent. */
export async function tryLoadProvider(agent: Agent): Promise<Provider | undefined> {
  const { loadProvider } = await import('../providers/all-providers.js');
  try {
    return await loadProvider(agent);
  } catch (err) {
    if (err instanceof HappierError && err.code === 'UNSUPPORTED_PROVIDER') return undefined;
    throw err;
  }
}

export interface ScanWarning {
  readonly agent: Agent;
  readonly code: string;
  readonly message: string;
}

export interface DirectScan {
  readonly sessions: DirectSession[];
  readonly warnings: ScanWarning[];
}

/** A one-line counter on stderr, only for a person watching a terminal. */
function progressLine(ctx: CliContext, agent: Agent): ((done: number, total: number) => void) | undefined {
  if (ctx.json || !ctx.io.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done !== total && now - last < 80) return;
    last = now;
    ctx.io.stderr.write(`\rscanning ${agent} sessions ${done}/${total}\x1b[K`);
    if (done === total) ctx.io.stderr.write('\r\x1b[K');
  };
}

/**
 * Scans the given providers. One provider failing (an unreadable database, say) does not
 * hide the others: it becomes a warning.
 */
export async function scanDirect(ctx: CliContext, agents: readonly Agent[]): Promise<DirectScan> {
  const [store, pctx, { ScanCacheRepo }] = await Promise.all([
    ctx.store(),
    providerContext(ctx),
    import('../store/scan-cache-repo.js'),
  ]);
  const sessions: DirectSession[] = [];
  const warnings: ScanWarning[] = [];
  for (const agent of agents) {
    const provider = await tryLoadProvider(agent);
    if (!provider) {
      warnings.push({ agent, code: 'UNSUPPORTED_PROVIDER', message: `this build of happier cannot read ${agent} sessions yet` });
      continue;
    }
    const cache = new ScanCacheRepo(store.registry, agent);
    try {
      const onProgress = progressLine(ctx, agent);
      sessions.push(...(await provider.discover(pctx, cache, onProgress ? { onProgress } : {})));
      cache.flush();
    } catch (err) {
      if (ctx.io.env.HAPPIER_DEBUG === '1' && err instanceof Error) ctx.note(err.stack ?? err.message);
      const code = err instanceof HappierError ? err.code : 'PROVIDER_FAILED';
      warnings.push({ agent, code, message: `could not read ${agent} sessions: ${(err as Error).message}` });
    }
  }
  sessions.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  return { sessions, warnings };
}

export interface FoundDirect {
  readonly session: DirectSession;
  readonly provider: Provider;
  readonly pctx: ProviderContext;
}

/**
 * The direct session a user named: its vendor id or a unique prefix of it (id-prefix.ts).
 * A full id is looked for only by the providers whose id shape fits it; a prefix, by all.
 */
export async function findDirect(ctx: CliContext, vendorId: string, agent?: Agent): Promise<FoundDirect> {
  const id = vendorId.trim();
  // Every provider's ids (UUIDs, `ses_…`) and their prefixes are letters, digits, `-` and `_`.
  if (!/^[A-Za-z0-9_-]+$/.test(id)) {
    throw new HappierError('USAGE', `${JSON.stringify(vendorId)} is not a provider session id or a prefix of one`, {
      hint: 'run `happier direct list` to see the ids',
    });
  }
  const providers = new Map<Agent, Provider>();
  for (const a of agent ? [agent] : AGENTS) {
    const p = await tryLoadProvider(a);
    if (p) providers.set(a, p);
  }
  const shaped = [...providers.keys()].filter((a) => providers.get(a)!.isVendorId(id));
  const { sessions } = await scanDirect(ctx, shaped.length ? shaped : [...providers.keys()]);
  const session = resolveId(sessions, id, {
    noun: `${agent ?? 'direct'} session`,
    idOf: (s) => s.vendorSessionId,
    titleOf: (s) => s.title,
    candidateId: (s) => `${s.agent} ${s.vendorSessionId}`,
    notFoundHint: 'run `happier direct list` to see the provider sessions found here',
    ambiguousHint: 'give more characters of the id, or name the provider with --agent',
  });
  return { session, provider: providers.get(session.agent)!, pctx: await providerContext(ctx) };
}
