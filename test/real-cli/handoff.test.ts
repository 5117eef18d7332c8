import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPIER_BIN, runHappier, type CliRun } from '../helpers/run-happier.js';
import { startSshd, type SshdPeer } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startMockModelApi, type MockModelApi } from '../support/mock-model-api.js';
import { createProviderSandbox, missingProviderBins, type ProviderAgent, type ProviderSandbox } from '../support/provider-sandbox.js';
import { firstTurn } from '../support/first-turn.js';
import { killSandboxProcesses } from '../support/sandbox-processes.js';
import { testTmux, waitUntil, type TestTmux } from '../support/tmux-pane.js';

// Issue 6, the real-CLI lane: a real session made on machine A against the mock model
// API is handed off with `happier handoff` (workspace included, another HOME and cwd) to
// machine B behind a real sshd, where happier resumes it with the real CLI in tmux. The
// next turn typed there must reach the mock with the first turn's secret word.

let mock: MockModelApi;
let peer: SshdPeer;
let b: ProviderSandbox;
let bTmux: TestTmux;
const world = tempDir('happier-real-handoff-');

const READY: Record<ProviderAgent, string> = { claude: '? for shortcuts', codex: '? for shortcuts', opencode: 'ctrl+p commands' };

beforeAll(async () => {
  const missing = missingProviderBins();
  if (missing.length > 0) throw new Error(`provider CLIs not installed (${missing.join(', ')}): run \`node scripts/install-provider-clis.mjs\` first`);
  chmodSync(world.path, 0o755);
  mock = await startMockModelApi();
  const bin = join(world.path, 'peer-bin');
  mkdirSync(bin);
  peer = await startSshd({ path: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':') });
  b = createProviderSandbox('B', peer.home, { mockUrl: mock.url, cwdRelative: 'elsewhere' });
  // B never trusts the folders the sessions move to: the handoff carries A's trust there (issue 13).
  bTmux = testTmux(join(b.home, 'tmux.sock'));
  const exports = Object.entries({ ...b.env, HAPPIER_TMUX_SOCKET: bTmux.socket })
    .filter(([k]) => k !== 'HOME' && k !== 'PATH')
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`);
  writeFileSync(join(bin, 'happier'), ['#!/bin/sh', ...exports, `exec ${process.execPath} ${HAPPIER_BIN} "$@"`, ''].join('\n'));
  chmodSync(join(bin, 'happier'), 0o755);
  peer.chown(peer.home);
});

afterAll(async () => {
  bTmux?.killServer();
  if (b) killSandboxProcesses(b.home);
  await peer?.stop();
  await mock?.close();
  world.cleanup();
});

const explain = (r: CliRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe.each(['claude', 'opencode', 'codex'] as const)('a real %s session handed off to another machine', (agent) => {
  let a: ProviderSandbox;
  afterAll(() => {
    if (a) killSandboxProcesses(a.home);
  });

  it('resumes there with the real CLI, and the next turn carries the first turn’s secret word', async () => {
    a = createProviderSandbox(`A-${agent}`, join(world.path, `A-${agent}`), { mockUrl: mock.url, cwdRelative: 'work/project' });
    writeFileSync(join(a.cwd, 'notes.md'), `# ${agent} project\n`);
    const env = {
      ...a.env,
      HAPPIER_TMUX_SOCKET: join(a.home, 'tmux.sock'),
      HAPPIER_KNOWN_HOSTS: join(a.home, 'known_hosts'),
      HAPPIER_SSH_CONFIG: join(a.home, 'ssh_config'),
    };
    writeFileSync(env.HAPPIER_KNOWN_HOSTS, peer.knownHostsLine + '\n');
    writeFileSync(env.HAPPIER_SSH_CONFIG, `Host desk\n  HostName 127.0.0.1\n  Port ${peer.port}\n  User ${peer.user}\n  IdentityFile ${peer.clientKey}\n`);
    const happier = (args: string[]) => runHappier(args, env, { cwd: a.cwd });

    const secret = `SECRET-${agent.toUpperCase()}-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    const vendorId = await firstTurn(agent, a, `Keep ${secret} in mind. Reply briefly.`, { mock });
    const added = await happier(['machine', 'add', 'desk', 'desk']);
    expect(added.code, explain(added)).toBe(0);
    if (agent === 'codex') expect((await happier(['settings', 'set', 'handoff.codexExperimental', 'true'])).code).toBe(0);
    const taken = await happier(['direct', 'takeover', vendorId, '--agent', agent, '--json']);
    expect(taken.code, explain(taken)).toBe(0);
    const id = JSON.parse(taken.stdout).data.session.id as string;

    const target = join(b.home, 'moved', agent);
    const handed = await happier(['handoff', id, '--to', 'desk', '--workspace', '--target-path', target, '--json']);
    expect(handed.code, `${explain(handed)}\n--- mock\n${mock.describe()}`).toBe(0);
    const result = JSON.parse(handed.stdout).data;
    expect(result).toMatchObject({ ownerEpoch: 1, plan: { target: { path: target } } });

    expect(readFileSync(join(target, 'notes.md'), 'utf8')).toBe(`# ${agent} project\n`);
    // A trusted the folder, so B now trusts the new one the provider's way (OpenCode has no trust dialog).
    if (agent === 'claude') expect(JSON.parse(readFileSync(join(b.claudeConfigDir, '.claude.json'), 'utf8')).projects[target]).toMatchObject({ hasTrustDialogAccepted: true });
    if (agent === 'codex') expect(readFileSync(join(b.codexHome, 'config.toml'), 'utf8')).toContain(`[projects.${JSON.stringify(target)}]\ntrust_level = "trusted"\n`);
    const tmuxSession = result.tmuxSession as string;
    const mark = mock.mark();
    await bTmux.waitForText(tmuxSession, READY[agent], 60_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n--- pane\n${bTmux.capture(tmuxSession)}`);
    });
    const question = `What did I ask you to keep in mind, ${agent}?`;
    await bTmux.typeLine(tmuxSession, question);
    const hits = () => mock.modelRequestsContaining(question, mark).filter((r) => r.text.includes(secret));
    await waitUntil('a request on B with the new turn and the secret word', () => hits().length > 0, 60_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n--- pane\n${bTmux.capture(tmuxSession)}\n--- mock\n${mock.describe(mark)}`);
    });
    expect(hits()[0]!.text).toContain(secret);

    const here = JSON.parse((await happier(['session', 'show', id, '--json'])).stdout).data.session;
    expect(here).toMatchObject({ ownerMachineName: 'desk', ownerEpoch: 1, cwd: target });
    bTmux.run(['kill-session', '-t', `=${tmuxSession}`]);
  });
});
