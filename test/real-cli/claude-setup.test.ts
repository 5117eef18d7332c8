import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeSetupGap } from '../../src/domain/claude-setup.js';
import { claudeSetupFacts } from '../../src/providers/claude/claude-setup-facts.js';
import { nodeProcessRunner } from '../../shell/node-process-runner.js';
import { createProviderSandbox, describeRun, PROVIDER_BINS, runInSandbox } from '../support/provider-sandbox.js';
import { realCliWorld } from '../support/real-cli-world.js';

// Issue 15: happier tells a claude that is not logged in from its files and environment,
// without running claude. Its verdict must be the real CLI's: `claude auth status` exits 0
// when logged in, 1 when not, for each way of being logged in (or not).

const world = realCliWorld('happier-real-claude-setup-');

describe.each([
  ['an API key in the environment', {}, () => undefined],
  ['no key and no login', { ANTHROPIC_API_KEY: '' }, () => undefined],
  [
    'a claude.ai login in .credentials.json',
    { ANTHROPIC_API_KEY: '' },
    (dir: string) => writeFileSync(join(dir, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'test-token-not-real', scopes: ['user:inference'] } })),
  ],
  ['an apiKeyHelper in settings.json', { ANTHROPIC_API_KEY: '' }, (dir: string) => writeFileSync(join(dir, 'settings.json'), JSON.stringify({ apiKeyHelper: 'echo sk-ant-helper' }))],
] as const)('claude with %s', (what, env, prepare) => {
  it('is logged in for happier exactly when `claude auth status` says so', async () => {
    const machine = createProviderSandbox(what, join(world.path, what.replace(/\W+/g, '-')), { mockUrl: world.mock.url });
    mkdirSync(machine.claudeConfigDir, { recursive: true });
    prepare(machine.claudeConfigDir);
    const r = await runInSandbox(machine, PROVIDER_BINS.claude, ['auth', 'status'], { env, timeoutMs: 60_000 });
    const ours = claudeSetupGap(claudeSetupFacts({ env: { ...machine.env, ...env }, homeDir: machine.home, runner: nodeProcessRunner }));
    expect([0, 1], describeRun('claude auth status', r)).toContain(r.code);
    expect(ours === null, `${what}: happier says ${ours ?? 'set up'}; ${describeRun('claude auth status', r)}`).toBe(r.code === 0);
  });
});
