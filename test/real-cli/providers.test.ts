import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../shell/node-process-runner.js';
import type { DirectSession } from '../../src/domain/session.js';
import { loadProvider } from '../../src/providers/all-providers.js';
import type { Provider, ProviderContext } from '../../src/providers/provider.js';
import { memoryScanCache } from '../../src/store/scan-cache-repo.js';
import { MOCK_TITLE } from '../support/mock-model-api.js';
import { realCliWorld } from '../support/real-cli-world.js';
import {
  createProviderSandbox,
  describeRun,
  PROVIDER_BINS,
  runInSandbox,
  type ProviderAgent,
  type ProviderSandbox,
} from '../support/provider-sandbox.js';

// Issue 3, "Real provider files": real sessions made by the pinned CLIs against the mock
// model API are found by each adapter, moved to a second machine (another HOME, another
// cwd) with the adapter's bundle, and resumed there by the real CLI with their history.

const world = realCliWorld('happier-real-providers-');

interface Driver {
  /** Runs the real CLI for one non-interactive turn in a new session and returns its id. */
  createSession(machine: ProviderSandbox, cwd: string, prompt: string): Promise<string>;
  /** The title a user should see for a session whose first prompt was `prompt`. */
  expectedTitle(prompt: string): string;
}

async function run(machine: ProviderSandbox, label: string, bin: string, args: string[], cwd: string) {
  const r = await runInSandbox(machine, bin, args, { cwd, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${describeRun(label, r)}\n--- mock model API\n${world.mock.describe()}`);
  return r;
}

const DRIVERS: Record<ProviderAgent, Driver> = {
  claude: {
    async createSession(machine, cwd, prompt) {
      const id = randomUUID();
      await run(machine, 'claude -p --session-id', PROVIDER_BINS.claude, ['-p', '--session-id', id, prompt], cwd);
      return id;
    },
    expectedTitle: (prompt) => prompt,
  },
  codex: {
    async createSession(machine, cwd, prompt) {
      const r = await run(machine, 'codex exec', PROVIDER_BINS.codex, ['exec', '--skip-git-repo-check', prompt], cwd);
      const id = /session id: ([0-9a-f-]{36})/.exec(r.stderr)?.[1];
      if (!id) throw new Error(`codex exec printed no session id\n${r.stderr}`);
      return id;
    },
    expectedTitle: (prompt) => prompt,
  },
  opencode: {
    async createSession(machine, cwd, prompt) {
      const r = await run(machine, 'opencode run', PROVIDER_BINS.opencode, ['run', '--format', 'json', prompt], cwd);
      const id = /"sessionID"\s*:\s*"(ses_[A-Za-z0-9]+)"/.exec(r.stdout)?.[1];
      if (!id) throw new Error(`opencode run printed no session id\n${r.stdout}`);
      return id;
    },
    // OpenCode asks the model for a title; the mock answers every such request alike.
    expectedTitle: () => MOCK_TITLE,
  },
};

function contextFor(machine: ProviderSandbox): ProviderContext {
  return { env: machine.env, homeDir: machine.home, runner: nodeProcessRunner };
}

async function discover(provider: Provider, machine: ProviderSandbox): Promise<DirectSession[]> {
  return provider.discover(contextFor(machine), memoryScanCache());
}

function only(sessions: DirectSession[], id: string): DirectSession {
  const hits = sessions.filter((s) => s.vendorSessionId === id);
  expect(hits, `discovery should report ${id} once; it reported ${JSON.stringify(sessions, null, 2)}`).toHaveLength(1);
  return hits[0]!;
}

describe.each(['claude', 'codex', 'opencode'] as const)('%s with the real CLI', (agent) => {
  const driver = DRIVERS[agent];
  let provider: Provider;
  let machineA: ProviderSandbox;
  let machineB: ProviderSandbox;
  const secret = `SECRET-${agent.toUpperCase()}-${randomUUID().slice(0, 8)}`;
  const firstPrompt = `Keep ${secret} in mind`;
  const otherPrompt = 'Say hello to the other project';
  let sessionId = '';
  let otherId = '';

  beforeAll(async () => {
    provider = await loadProvider(agent);
    machineA = createProviderSandbox('a', join(world.path, agent, 'machine-a'), { mockUrl: world.mock.url, cwdRelative: 'work/project-a' });
    machineB = createProviderSandbox('b', join(world.path, agent, 'machine-b'), {
      mockUrl: world.mock.url,
      cwdRelative: 'elsewhere/project b',
    });
  });

  it('discovery finds the sessions the CLI wrote, each with its cwd and title', async () => {
    const otherCwd = join(machineA.home, 'work', 'other-project');
    mkdirSync(otherCwd, { recursive: true });
    sessionId = await driver.createSession(machineA, machineA.cwd, firstPrompt);
    otherId = await driver.createSession(machineA, otherCwd, otherPrompt);

    const found = await discover(provider, machineA);
    expect(found.map((s) => s.vendorSessionId).sort()).toEqual([sessionId, otherId].sort());
    const main = only(found, sessionId);
    expect(main).toMatchObject({ agent, cwd: machineA.cwd, title: driver.expectedTitle(firstPrompt) });
    expect(main.messageCount).toBeGreaterThanOrEqual(2);
    expect(main.sizeBytes).toBeGreaterThan(0);
    expect(only(found, otherId)).toMatchObject({ cwd: otherCwd, title: driver.expectedTitle(otherPrompt) });
  });

  it('the bundle moved to another HOME and cwd resumes there with the first turn', async () => {
    expect(sessionId, 'the discovery test above must create the session first').not.toBe('');
    const bundle = await provider.exportBundle(contextFor(machineA), sessionId);
    expect(bundle).toMatchObject({ agent, vendorSessionId: sessionId, sourceCwd: machineA.cwd });

    const imported = await provider.importBundle(contextFor(machineB), bundle, { targetCwd: machineB.cwd });
    expect(imported.vendorSessionId).toBe(sessionId);

    const before = only(await discover(provider, machineB), sessionId);
    expect(before.cwd).toBe(machineB.cwd);

    const spec = provider.resumeCommand(contextFor(machineB), {
      cwd: machineB.cwd,
      vendorSessionId: sessionId,
      message: 'What did I ask you to keep in mind?',
    });
    expect(spec.cwd).toBe(machineB.cwd);
    const mark = world.mock.mark();
    const r = await runInSandbox(machineB, spec.bin, spec.args, { cwd: spec.cwd, env: { ...spec.env }, timeoutMs: 60_000 });
    const diagnostics = () => `${describeRun(`${spec.bin} ${spec.args.join(' ')}`, r)}\n--- mock requests since the resume\n${world.mock.describe(mark)}`;
    expect(r.code, diagnostics()).toBe(0);
    expect(world.mock.modelRequestsContaining(secret, mark).length, diagnostics()).toBeGreaterThan(0);

    // The same conversation grew; resume made no new session on machine B.
    const onB = await discover(provider, machineB);
    expect(onB.map((s) => s.vendorSessionId), diagnostics()).toEqual([sessionId]);
    const after = only(onB, sessionId);
    expect(after.cwd).toBe(machineB.cwd);
    expect(after.messageCount).toBeGreaterThan(before.messageCount);
    expect(after.sizeBytes).toBeGreaterThan(before.sizeBytes);
  });
});
