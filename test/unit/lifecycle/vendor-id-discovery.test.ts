import { join, sep } from 'node:path';
import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIrrelevant } from '../../../src/lifecycle/chokidar-watcher.js';
import type { LifecycleDeps } from '../../../src/lifecycle/lifecycle-deps.js';
import { discoverVendorId } from '../../../src/lifecycle/vendor-id-discovery.js';

/** Just what discovery touches: the finder, the registry's vendor-id lookup, a watcher and the timeout. */
function deps(answers: (string | null)[], taken: string[], timeoutMs: number) {
  let fire: () => void = () => {};
  let closed = false;
  const calls: { cwd: string; since: Date }[] = [];
  const d = {
    providerContext: {},
    findNewSession: async (_agent: string, _ctx: unknown, q: { cwd: string; since: Date }) => {
      calls.push(q);
      return answers.length > 1 ? answers.shift()! : answers[0]!;
    },
    sessions: { findByVendorId: (_agent: string, id: string) => (taken.includes(id) ? { id: 'other' } : undefined) },
    watcher: {
      watch: (_root: string, onEvent: () => void) => {
        fire = onEvent;
        return async () => {
          closed = true;
        };
      },
    },
    timing: { vendorIdTimeoutMs: timeoutMs },
  } as unknown as LifecycleDeps;
  return { d, fire: () => fire(), calls, closed: () => closed };
}

const query = { cwd: '/w/project', since: new Date('2026-11-22T02:00:00Z') };

describe('discoverVendorId', () => {
  it('looks again on every change under the root until the session appears', async () => {
    const f = deps([null, null, 'ses_abcdefghijklmnop'], [], 5_000);
    const found = discoverVendorId(f.d, 'opencode', '/root', query);
    await new Promise((r) => setTimeout(r, 10));
    f.fire();
    await new Promise((r) => setTimeout(r, 10));
    f.fire();
    expect(await found).toBe('ses_abcdefghijklmnop');
    expect(f.calls[0]).toEqual(query);
    expect(f.closed()).toBe(true);
  });

  it('passes over an id another happier session already holds', async () => {
    const f = deps(['ses_takenalready0001', 'ses_thenewsession001'], ['ses_takenalready0001'], 5_000);
    const found = discoverVendorId(f.d, 'opencode', '/root', query);
    await new Promise((r) => setTimeout(r, 10));
    f.fire();
    expect(await found).toBe('ses_thenewsession001');
  });

  it('gives up with null after the timeout, and stops watching', async () => {
    const f = deps([null], [], 150);
    expect(await discoverVendorId(f.d, 'codex', '/root', query)).toBeNull();
    expect(f.closed()).toBe(true);
  });

  it('stops when aborted', async () => {
    const f = deps([null], [], 5_000);
    const ctl = new AbortController();
    const found = discoverVendorId(f.d, 'codex', '/root', query, ctl.signal);
    ctl.abort();
    expect(await found).toBeNull();
  });
});

describe('what the provider-root watcher looks at', () => {
  const root = '/home/u/.codex';
  const dir = { isDirectory: () => true } as Stats;
  const file = { isDirectory: () => false } as Stats;

  it("descends into Codex's sessions tree and watches top-level databases", () => {
    expect(isIrrelevant(root, root, dir)).toBe(false);
    expect(isIrrelevant(root, join(root, 'sessions'), dir)).toBe(false);
    expect(isIrrelevant(root, join(root, 'sessions', '2026', '11', '22', 'rollout-x.jsonl'), file)).toBe(false);
    expect(isIrrelevant(root, join(root, 'state_5.sqlite'), file)).toBe(false);
    expect(isIrrelevant(root, join(root, 'opencode.db-wal'))).toBe(false);
  });

  it('skips everything else, such as snapshots and logs', () => {
    expect(isIrrelevant(root, join(root, 'snapshot'), dir)).toBe(true);
    expect(isIrrelevant(root, join(root, 'snapshot'))).toBe(true);
    expect(isIrrelevant(root, join(root, 'log', 'codex-tui.log'), file)).toBe(true);
    expect(isIrrelevant(root, `${root}${sep}config.toml`, file)).toBe(true);
  });
});
