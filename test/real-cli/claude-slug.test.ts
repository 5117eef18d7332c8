import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../shell/node-process-runner.js';
import { claudeProvider } from '../../src/providers/claude/claude-provider.js';
import { claudeSlug } from '../../src/providers/claude/claude-slug.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { memoryScanCache } from '../../src/store/scan-cache-repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startMockModelApi, type MockModelApi } from '../support/mock-model-api.js';
import {
  createProviderSandbox,
  describeRun,
  missingProviderBins,
  PROVIDER_BINS,
  runInSandbox,
  type ProviderSandbox,
} from '../support/provider-sandbox.js';

// The Claude slug rule against the real CLI where it is easiest to get wrong: a cwd with
// spaces and non-ASCII characters whose slug is longer than 200 characters, so Claude
// names the folder with its hash suffix. happier must name it the same way on the target,
// or the moved session cannot be resumed there.

let mock: MockModelApi;
const world = tempDir('happier-real-claude-slug-');
const longRelative = (name: string) => join('wörk space', ...Array.from({ length: 9 }, (_, i) => `a rather long folder name ${i}`), name);

beforeAll(async () => {
  if (missingProviderBins().includes('claude')) {
    throw new Error('claude is not installed: run `node scripts/install-provider-clis.mjs` first');
  }
  mock = await startMockModelApi();
});
afterAll(async () => {
  await mock?.close();
  world.cleanup();
});

const contextFor = (m: ProviderSandbox): ProviderContext => ({ env: m.env, homeDir: m.home, runner: nodeProcessRunner });

describe('Claude long-path slug with the real CLI', () => {
  it('matches the folder Claude made, and a session moved under another long path resumes', async () => {
    const a = createProviderSandbox('a', join(world.path, 'a'), { mockUrl: mock.url, cwdRelative: longRelative('prøject a') });
    const b = createProviderSandbox('b', join(world.path, 'b'), { mockUrl: mock.url, cwdRelative: longRelative('prøject b') });
    expect(claudeSlug(a.cwd).length).toBeGreaterThan(200);

    const id = randomUUID();
    const secret = `LONGPATH-${randomUUID().slice(0, 8)}`;
    const first = await runInSandbox(a, PROVIDER_BINS.claude, ['-p', '--session-id', id, `Keep ${secret} in mind`], { cwd: a.cwd, timeoutMs: 60_000 });
    expect(first.code, describeRun('claude -p', first)).toBe(0);
    expect(readdirSync(join(a.claudeConfigDir, 'projects'))).toContain(claudeSlug(a.cwd));

    const [found] = (await claudeProvider.discover(contextFor(a), memoryScanCache())).filter((s) => s.vendorSessionId === id);
    expect(found).toMatchObject({ cwd: a.cwd, title: `Keep ${secret} in mind` });

    await claudeProvider.importBundle(contextFor(b), await claudeProvider.exportBundle(contextFor(a), id), { targetCwd: b.cwd });
    const spec = claudeProvider.resumeCommand(contextFor(b), { cwd: b.cwd, vendorSessionId: id, message: 'What did I ask you to keep in mind?' });
    const mark = mock.mark();
    const r = await runInSandbox(b, spec.bin, spec.args, { cwd: spec.cwd, timeoutMs: 60_000 });
    expect(r.code, describeRun('claude -p --resume', r)).toBe(0);
    expect(mock.modelRequestsContaining(secret, mark).length).toBeGreaterThan(0);
    expect(readdirSync(join(b.claudeConfigDir, 'projects'))).toEqual([claudeSlug(b.cwd)]);
  });
});
