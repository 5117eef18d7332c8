import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHappier } from '../helpers/run-happier.js';
import { createProviderSandbox, PROVIDER_BINS, PROVIDER_CLI_CACHE, type ProviderAgent, type ProviderSandbox } from '../support/provider-sandbox.js';
import { describeCli, realCliWorld, TUI_READY } from '../support/real-cli-world.js';
import { killSandboxProcesses, processesOfSandbox } from '../support/sandbox-processes.js';
import { testTmux, waitUntil, type TestTmux } from '../support/tmux-pane.js';

// Issue 13, "readers called writers": a real provider CLI, started by the user outside
// happier, blocks `happier direct takeover` of its session, and a `tail -f` on the
// session's file does not, before or after. happier runs here without HAPPIER_<AGENT>_BIN,
// so the provider is recognised from its real install layout, not from happier's config.

const world = realCliWorld('happier-real-writer-');

/** What tells each one it writes the session, see src/domain/live-writer.ts. */
const EXPECTED_REASON: Record<ProviderAgent, string> = {
  claude: 'provider-record',
  codex: 'open-for-write',
  opencode: 'session-cwd',
};

interface DirectJson {
  vendorSessionId: string;
  cwd: string;
  path: string;
}

describe.each(['claude', 'codex', 'opencode'] as const)('a real %s run by the user', (agent) => {
  let machine: ProviderSandbox;
  let tmux: TestTmux;
  let happierEnv: Record<string, string>;
  const readers: ChildProcess[] = [];

  beforeAll(() => {
    machine = createProviderSandbox(agent, join(world.path, agent), { mockUrl: world.mock.url, cwdRelative: 'work/project' });
    tmux = testTmux(join(world.path, `${agent}.sock`));
    happierEnv = Object.fromEntries(Object.entries(machine.env).filter(([k]) => !/^HAPPIER_(CLAUDE|CODEX|OPENCODE)_BIN$/.test(k)));
  });

  afterAll(() => {
    for (const r of readers) if (r.exitCode === null && r.signalCode === null) r.kill();
    tmux?.killServer();
    if (machine) killSandboxProcesses(machine.home);
  });

  it('blocks takeover while it runs, and a tail -f of its session file never does', async () => {
    const name = `direct-${agent}`;
    const diagnose = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(`${step}: ${message}\n--- pane\n${tmux.capture(name)}\n--- mock model API\n${world.mock.describe()}`);
      }
    };
    const happier = (args: string[]) => runHappier(args, happierEnv, { cwd: machine.cwd });

    // The user's own `claude` (or codex, opencode), with no session id on its command line.
    tmux.start(name, [PROVIDER_BINS[agent]], { cwd: machine.cwd, env: machine.env });
    const secret = `SECRET-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    await diagnose('the first turn', async () => {
      await tmux.waitForText(name, TUI_READY[agent], 60_000);
      const mark = world.mock.mark();
      await tmux.typeLine(name, `Keep ${secret} in mind`);
      // Codex can take the text while still settling its startup and drop that first Enter.
      await world.mock.waitForModelRequest(secret, mark, 10_000).catch(() => tmux.sendKeys(name, ['Enter']));
      await world.mock.waitForModelRequest(secret, mark, 60_000);
      await tmux.waitForText(name, 'Mock reply number', 60_000);
    });

    const session = await diagnose('the session on disk', async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await happier(['direct', 'list', '--agent', agent, '--json']);
        const rows = (JSON.parse(r.stdout) as { data: { directSessions: DirectJson[] } }).data.directSessions;
        const found = rows.find((s) => s.cwd === machine.cwd);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${agent} session for ${machine.cwd} in happier direct list:\n${describeCli(r)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    });
    // For OpenCode the session's file is its one database.
    const tail = spawn('tail', ['-f', session.path], { stdio: 'ignore' });
    readers.push(tail);
    await new Promise((resolve) => tail.once('spawn', resolve));

    const refused = await happier(['direct', 'takeover', session.vendorSessionId, '--json']);
    expect(refused.code, describeCli(refused)).toBe(1);
    const error = (JSON.parse(refused.stdout) as { error: { code: string; pid: number; reason: string } }).error;
    expect(error, describeCli(refused)).toMatchObject({ code: 'ALREADY_ACTIVE', reason: EXPECTED_REASON[agent] });
    expect(error.pid).not.toBe(tail.pid);
    // The process named is the real CLI, from its npm install or (Codex's app-server
    // daemon) the copy it keeps under its home, never a stand-in.
    const exe = readlinkSync(`/proc/${error.pid}/exe`);
    expect([join(PROVIDER_CLI_CACHE, agent), machine.home].some((root) => exe.startsWith(root)), `${exe}\n${describeCli(refused)}`).toBe(true);

    tmux.run(['kill-session', '-t', `=${name}`]);
    if (agent === 'codex') {
      // A plain `codex` leaves its shared app-server daemon running (happier starts it with
      // --no-daemon), and the daemon keeps the rollout open read-write: still a writer.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const still = await happier(['direct', 'takeover', session.vendorSessionId, '--json']);
      expect(still.code, describeCli(still)).toBe(1);
      expect(JSON.parse(still.stdout).error).toMatchObject({ code: 'ALREADY_ACTIVE', reason: 'open-for-write', command: expect.stringContaining('app-server') });
      killSandboxProcesses(machine.home);
    }
    await waitUntil(`${agent} to exit`, () => processesOfSandbox(machine.home).length === 0, 15_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(processesOfSandbox(machine.home))}`);
    });
    expect(tail.exitCode, 'tail -f is still reading').toBeNull();
    const ok = await happier(['direct', 'takeover', session.vendorSessionId, '--json']);
    expect(ok.code, describeCli(ok)).toBe(0);
  });
});
