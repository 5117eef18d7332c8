import type { Agent } from '../domain/agent.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

/** How often the root is looked at anyway: a root that does not exist yet cannot be watched. */
const POLL_MS = 1_000;

/**
 * Waits until the provider writes the session it just started (a Codex rollout, an
 * OpenCode database row) with a matching cwd, and returns its vendor id; null once the
 * timeout passes or `signal` aborts. An id another happier session already holds is not
 * this one, so the search goes on.
 */
export function discoverVendorId(
  deps: LifecycleDeps,
  agent: Agent,
  root: string,
  query: { readonly cwd: string; readonly since: Date },
  signal?: AbortSignal,
): Promise<string | null> {
  return new Promise((resolve) => {
    let done = false;
    let busy = false;
    let again = false;
    const look = async (): Promise<void> => {
      if (done) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        const id = await deps.findNewSession(agent, deps.providerContext, query);
        if (id && !deps.sessions.findByVendorId(agent, id)) finish(id);
      } catch {
        // A file caught half-written; the next change or poll looks again.
      } finally {
        busy = false;
      }
      if (again && !done) {
        again = false;
        void look();
      }
    };
    const unwatch = deps.watcher.watch(root, () => void look());
    const poll = setInterval(() => void look(), POLL_MS);
    const timeout = setTimeout(() => finish(null), deps.timing.vendorIdTimeoutMs);
    const onAbort = () => finish(null);
    signal?.addEventListener('abort', onAbort);
    function finish(id: string | null): void {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timeout);
      signal?.removeEventListener('abort', onAbort);
      void unwatch().finally(() => resolve(id));
    }
    if (signal?.aborted) finish(null);
    else void look();
  });
}
