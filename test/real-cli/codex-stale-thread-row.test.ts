import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../shell/node-process-runner.js';
import { loadProvider } from '../../src/providers/all-providers.js';
import type { Provider, ProviderContext } from '../../src/providers/provider.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startMockModelApi, type MockModelApi } from '../support/mock-model-api.js';
import { createProviderSandbox, describeRun, missingProviderBins, PROVIDER_BINS, runInSandbox, type ProviderSandbox } from '../support/provider-sandbox.js';

// A Codex session handed A → B → A: A's thread index still names the rollout path it had
// before, and Codex refuses to resume with `no rollout found for thread id` unless the
// import repairs that row (PROVIDERS.md, Codex, "Moving a session", step 3).

let mock: MockModelApi;
const world = tempDir('happier-codex-stale-row-');

beforeAll(async () => {
  if (missingProviderBins().includes('codex')) {
    throw new Error('the Codex CLI is not installed: run `node scripts/install-provider-clis.mjs` first');
  }
  mock = await startMockModelApi();
});

afterAll(async () => {
  await mock?.close();
  world.cleanup();
});

const contextFor = (m: ProviderSandbox): ProviderContext => ({ env: m.env, homeDir: m.home, runner: nodeProcessRunner });

async function resume(codex: Provider, m: ProviderSandbox, id: string, cwd: string, secret: string) {
  const spec = codex.resumeCommand(contextFor(m), { cwd, vendorSessionId: id, message: 'What did I ask you to keep?' });
  const mark = mock.mark();
  const r = await runInSandbox(m, spec.bin, spec.args, { cwd: spec.cwd, timeoutMs: 60_000 });
  return { r, sawSecret: mock.modelRequestsContaining(secret, mark).length > 0, diagnostics: () => `${describeRun('codex exec resume', r)}\n${mock.describe(mark)}` };
}

describe('codex handed back to a machine whose thread index is stale', () => {
  it('resumes there after the import repairs the row', async () => {
    const codex = await loadProvider('codex');
    const a = createProviderSandbox('a', join(world.path, 'a'), { mockUrl: mock.url, cwdRelative: 'work/project-a' });
    const b = createProviderSandbox('b', join(world.path, 'b'), { mockUrl: mock.url, cwdRelative: 'elsewhere/project b' });
    const secret = `SECRET-${randomUUID().slice(0, 8)}`;

    const made = await runInSandbox(a, PROVIDER_BINS.codex, ['exec', '--skip-git-repo-check', `Keep ${secret} in mind`], { cwd: a.cwd, timeoutMs: 60_000 });
    expect(made.code, describeRun('codex exec', made)).toBe(0);
    const id = /session id: ([0-9a-f-]{36})/.exec(made.stderr)?.[1] ?? '';
    expect(id, made.stderr).not.toBe('');

    await codex.importBundle(contextFor(b), await codex.exportBundle(contextFor(a), id), { targetCwd: b.cwd });
    const onB = await resume(codex, b, id, b.cwd, secret);
    expect(onB.r.code, onB.diagnostics()).toBe(0);

    const aIndex = join(a.env.CODEX_HOME!, 'state_5.sqlite');
    const db = new Database(aIndex);
    db.prepare(`UPDATE threads SET rollout_path = ? WHERE id = ?`).run(join(a.env.CODEX_HOME!, 'sessions', 'gone', 'rollout-gone.jsonl'), id);
    db.close();
    const backCwd = join(a.home, 'work', 'project a again');
    mkdirSync(backCwd, { recursive: true });
    const { writtenPaths } = await codex.importBundle(contextFor(a), await codex.exportBundle(contextFor(b), id), { targetCwd: backCwd });

    const check = new Database(aIndex, { readonly: true });
    expect(check.prepare(`SELECT rollout_path, cwd FROM threads WHERE id = ?`).get(id)).toEqual({ rollout_path: writtenPaths[0], cwd: backCwd });
    check.close();
    const onA = await resume(codex, a, id, backCwd, secret);
    expect(onA.r.code, onA.diagnostics()).toBe(0);
    expect(onA.sawSecret, onA.diagnostics()).toBe(true);
  });
});
