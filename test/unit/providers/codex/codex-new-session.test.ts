import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findNewSession } from '../../../../src/providers/codex/codex-provider.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { writeRollout } from './codex-rollout-fixture.js';

let tmp: { path: string; cleanup: () => void };
let ctx: ProviderContext;
let root: string;
beforeEach(() => {
  tmp = tempDir('happier-codex-new-');
  root = join(tmp.path, '.codex');
  ctx = { env: {}, homeDir: tmp.path, runner: { run: () => Promise.reject(new Error('no process expected')) } };
});
afterEach(() => tmp.cleanup());

describe('codex findNewSession', () => {
  it('finds the rollout Codex started in the cwd after the given time', async () => {
    const cwd = join(tmp.path, 'proj ünï');
    mkdirSync(cwd);
    const since = new Date(Date.now() - 60_000);
    const at = (ms: number) => new Date(since.getTime() + ms).toISOString();
    writeRollout(root, { id: '019a0000-0000-7000-8000-00000000000a', cwd, start: at(-3_600_000) });
    writeRollout(root, { id: '019a0000-0000-7000-8000-00000000000b', cwd, start: at(5_000) });
    writeRollout(root, { id: '019a0000-0000-7000-8000-00000000000c', cwd: '/elsewhere', start: at(9_000) });
    expect(await findNewSession(ctx, { cwd, since })).toBe('019a0000-0000-7000-8000-00000000000b');
    expect(await findNewSession(ctx, { cwd: join(tmp.path, 'other'), since })).toBeNull();
  });

  it('returns null before Codex has written anything', async () => {
    expect(await findNewSession(ctx, { cwd: tmp.path, since: new Date() })).toBeNull();
  });
});
