import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHappier, type CliRun } from '../helpers/run-happier.js';
import { createProviderSandbox, type ProviderSandbox } from '../support/provider-sandbox.js';
import { describeCli, realCliWorld, TUI_READY } from '../support/real-cli-world.js';
import { killSandboxProcesses, processesOfSandbox } from '../support/sandbox-processes.js';
import { testTmux, waitUntil, type TestTmux } from '../support/tmux-pane.js';

// Issue 4, "The real-CLI lane": a real interactive provider under happier in an isolated
// tmux server, stopped with `happier stop` and brought back with `happier resume`; the
// resumed conversation must carry the turn typed before the stop.

const world = realCliWorld('happier-real-terminal-');

interface SessionJson {
  id: string;
  vendorSessionId: string | null;
  cwd: string;
  active: boolean;
}

describe.each(['claude', 'codex', 'opencode'] as const)('a real %s under happier in tmux', (agent) => {
  let machine: ProviderSandbox;
  let tmux: TestTmux;
  let env: Record<string, string>;

  beforeAll(() => {
    machine = createProviderSandbox(agent, join(world.path, agent), { mockUrl: world.mock.url, cwdRelative: 'work/project' });
    tmux = testTmux(join(world.path, `${agent}.sock`));
    env = {
      ...machine.env,
      HAPPIER_TMUX_SOCKET: tmux.socket,
      HAPPIER_STOP_STEP_MS: '2000',
      // Codex and OpenCode write their session only after the first turn, typed below.
      HAPPIER_VENDOR_ID_TIMEOUT_MS: '90000',
    };
  });

  afterAll(() => {
    // This test's own tmux server, and by pid whatever the CLIs left behind.
    tmux?.killServer();
    if (machine) killSandboxProcesses(machine.home);
  });

  it('stops, resumes the same conversation, and the next turn carries the earlier one', async () => {
    const secret = `SECRET-${agent.toUpperCase()}-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    let tmuxSession = '';
    // Every failure shows what the pane and the model API saw.
    const diagnose = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(
          `${step}: ${message}\n--- pane ${tmuxSession || '(none yet)'}\n${tmuxSession ? tmux.capture(tmuxSession) : ''}\n--- tmux sessions\n${tmux.run(['list-sessions']).stdout}\n--- mock model API\n${world.mock.describe()}`,
        );
      }
    };
    const expectNothingLeft = async () => {
      // A process may take a moment to exit after its pane is gone.
      await waitUntil('the provider to exit', () => processesOfSandbox(machine.home).length === 0, 5_000).catch(() => undefined);
      expect(processesOfSandbox(machine.home), `nothing of ${agent} should outlive happier stop`).toEqual([]);
    };
    const happier = (args: string[]) => runHappier(args, env, { cwd: machine.cwd });
    const show = async (id: string): Promise<SessionJson> => {
      const r = await happier(['session', 'show', id, '--json']);
      expect(r.code, describeCli(r)).toBe(0);
      return (JSON.parse(r.stdout) as { data: { session: SessionJson } }).data.session;
    };

    // `happier new` keeps looking for the provider's id while the user types the first turn.
    const creating = happier(['new', '--agent', agent, '--detached']);
    let newExited: CliRun | null = null;
    void creating.then((r) => (newExited = r));
    await diagnose('happier new starts tmux', async () => {
      await waitUntil(
        'a happier tmux session',
        () => {
          if (newExited && newExited.code !== 0) throw new Error(`happier new failed: ${describeCli(newExited)}`);
          return tmux.run(['list-sessions', '-F', '#{session_name}']).stdout.includes('happier-');
        },
        30_000,
      );
      tmuxSession = tmux.run(['list-sessions', '-F', '#{session_name}']).stdout.trim().split('\n')[0]!;
      await tmux.waitForText(tmuxSession, TUI_READY[agent], 60_000);
    });
    const firstMark = world.mock.mark();
    await diagnose('the first turn', async () => {
      await tmux.typeLine(tmuxSession, `Keep ${secret} in mind`);
      await world.mock.waitForModelRequest(secret, firstMark, 60_000);
      await tmux.waitForText(tmuxSession, 'Mock reply number', 60_000);
    });
    const created = await creating;
    expect(created.code, describeCli(created)).toBe(0);
    const list = await happier(['session', 'list', '--json']);
    expect(list.code, describeCli(list)).toBe(0);
    const sessions = (JSON.parse(list.stdout) as { data: { sessions: SessionJson[] } }).data.sessions;
    expect(sessions, list.stdout).toHaveLength(1);
    const session = sessions[0]!;
    expect(session).toMatchObject({ cwd: machine.cwd, active: true });
    expect(session.vendorSessionId, `${agent} should have reported its session id to happier new\n${describeCli(created)}`).toBeTruthy();

    await diagnose('happier stop', async () => {
      const r = await happier(['stop', session.id]);
      expect(r.code, describeCli(r)).toBe(0);
      expect(tmux.hasSession(tmuxSession), 'the tmux session should be gone after stop').toBe(false);
      expect((await show(session.id)).active).toBe(false);
      await expectNothingLeft();
    });

    const resumeMark = world.mock.mark();
    await diagnose('happier resume', async () => {
      const r = await happier(['resume', session.id, '--detached']);
      expect(r.code, describeCli(r)).toBe(0);
      await waitUntil(
        'the earlier turn on screen',
        () => {
          const pane = tmux.capture(tmuxSession);
          return pane.includes(secret) && pane.includes(TUI_READY[agent]);
        },
        60_000,
      );
    });

    const question = 'What did I ask you to keep in mind?';
    const request = await diagnose('the turn after the resume', async () => {
      await tmux.typeLine(tmuxSession, question);
      const hits = () => world.mock.modelRequestsContaining(question, resumeMark).filter((r) => r.text.includes(secret));
      await waitUntil('a request with the new turn and the earlier one', () => hits().length > 0, 60_000);
      return hits()[0]!;
    });
    expect(request.text).toContain(secret);

    // The same vendor session, not a fresh one.
    expect(await show(session.id)).toMatchObject({ vendorSessionId: session.vendorSessionId, active: true });

    await diagnose('happier stop (end)', async () => {
      const r = await happier(['stop', session.id]);
      expect(r.code, describeCli(r)).toBe(0);
      await expectNothingLeft();
    });
  });
});

// Issue 15: a real claude started with no prompt has its id from `--session-id` but writes
// no conversation until the first message, so `claude --resume` would say "No conversation
// found". happier shows it as no(empty) and refuses the resume itself.
describe('a real claude under happier that never got a first message', () => {
  let machine: ProviderSandbox;
  let tmux: TestTmux;
  let env: Record<string, string>;

  beforeAll(() => {
    machine = createProviderSandbox('claude-empty', join(world.path, 'claude-empty'), { mockUrl: world.mock.url, cwdRelative: 'work/empty' });
    tmux = testTmux(join(world.path, 'claude-empty.sock'));
    env = { ...machine.env, HAPPIER_TMUX_SOCKET: tmux.socket, HAPPIER_STOP_STEP_MS: '2000' };
  });

  afterAll(() => {
    tmux?.killServer();
    if (machine) killSandboxProcesses(machine.home);
  });

  it('shows RESUME no(empty) after a stop, and resume is NOTHING_TO_RESUME without starting claude', async () => {
    const happier = (args: string[]) => runHappier(args, env, { cwd: machine.cwd });
    const created = await happier(['new', '--agent', 'claude', '--detached', '--json']);
    expect(created.code, describeCli(created)).toBe(0);
    const id = (JSON.parse(created.stdout) as { data: { session: { id: string } } }).data.session.id;
    const name = `happier-${id.slice(0, 8)}`;
    await tmux.waitForText(name, TUI_READY.claude, 60_000);
    const stopped = await happier(['stop', id]);
    expect(stopped.code, describeCli(stopped)).toBe(0);

    const list = await happier(['session', 'list', '--json']);
    const row = (JSON.parse(list.stdout) as { data: { sessions: { id: string; resume: unknown }[] } }).data.sessions.find((s) => s.id === id);
    expect(row?.resume, list.stdout).toEqual({ status: 'no', reason: 'empty' });
    const resumed = await happier(['resume', id, '--detached']);
    expect(resumed.code, describeCli(resumed)).toBe(1);
    expect(resumed.stderr).toContain('error: nothing to resume yet: the session never got a first message');
    expect(tmux.hasSession(name)).toBe(false);
  });
});
