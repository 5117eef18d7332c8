import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHappier, type CliRun } from '../helpers/run-happier.js';
import { createProviderSandbox, type ProviderSandbox } from '../support/provider-sandbox.js';
import { describeCli, realCliWorld } from '../support/real-cli-world.js';
import { killSandboxProcesses } from '../support/sandbox-processes.js';
import { testTmux, type TestTmux } from '../support/tmux-pane.js';

// Issue 14, `happier send` with the real CLIs against the mock model API: the first turn
// and a second one go into the running TUI as user turns, and after a stop a send resumes
// the same vendor conversation, whose next request carries the earlier turn.

const world = realCliWorld('happier-real-send-');

interface SendData {
  sessionId: string;
  vendorSessionId: string;
  delivery: string;
  reply: { text: string } | null;
}

describe.each(['claude', 'opencode'] as const)('happier send to a real %s', (agent) => {
  let machine: ProviderSandbox;
  let tmux: TestTmux;
  let env: Record<string, string>;

  beforeAll(() => {
    machine = createProviderSandbox(agent, join(world.path, agent), { mockUrl: world.mock.url, cwdRelative: 'work/project' });
    tmux = testTmux(join(world.path, `${agent}.sock`));
    env = { ...machine.env, HAPPIER_TMUX_SOCKET: tmux.socket, HAPPIER_STOP_STEP_MS: '2000', HAPPIER_VENDOR_ID_TIMEOUT_MS: '90000' };
  });

  afterAll(() => {
    tmux?.killServer();
    if (machine) killSandboxProcesses(machine.home);
  });

  it('sends turns to the running TUI, then resumes the same conversation for the next send', async () => {
    const secret = `SECRET-${agent.toUpperCase()}-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    const happier = (args: string[], input?: string) => runHappier(args, env, { cwd: machine.cwd, ...(input !== undefined ? { input } : {}) });
    const send = async (args: string[]): Promise<SendData> => {
      const r = await happier(['send', ...args, '--json']);
      expect(r.code, describeCli(r)).toBe(0);
      return (JSON.parse(r.stdout) as { data: SendData }).data;
    };
    const pane = () => tmux.run(['list-sessions', '-F', '#{session_name}']).stdout.trim().split('\n')[0] ?? '';
    const diagnose = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        const name = pane();
        throw new Error(`${step}: ${err instanceof Error ? err.message : String(err)}\n--- pane ${name}\n${name ? tmux.capture(name) : ''}\n--- mock\n${world.mock.describe()}`);
      }
    };

    // `new` keeps looking for OpenCode's id until the first turn is written, so it runs alongside.
    const creating = happier(['new', '--agent', agent, '--detached']);
    let created: CliRun | null = null;
    void creating.then((r) => (created = r));
    const id = await diagnose('happier new', async () => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        if (created && created.code !== 0) throw new Error(describeCli(created));
        const list = await happier(['session', 'list', '--json']);
        const sessions = (JSON.parse(list.stdout) as { data: { sessions: { id: string }[] } }).data.sessions;
        if (sessions.length === 1) return sessions[0]!.id;
      }
      throw new Error('timed out waiting for the session in the registry');
    });

    const firstMark = world.mock.mark();
    await diagnose('the first send, into the running TUI', async () => {
      // OpenCode has no id to read a reply by until this turn is written: no --wait for it yet.
      const first = await send([id, `Keep ${secret} in mind`, ...(agent === 'claude' ? ['--wait', '--timeout', '60'] : [])]);
      expect(first.delivery).toBe('pasted');
      if (agent === 'claude') expect(first.reply?.text).toContain('Mock reply number');
      await world.mock.waitForModelRequest(secret, firstMark, 60_000);
    });
    const made = await creating;
    expect(made.code, describeCli(made)).toBe(0);

    const second = await diagnose('a second send while it runs', () => send([id, 'Say something else', '--wait', '--timeout', '90']));
    expect(second.delivery).toBe('pasted');
    expect(second.reply?.text).toContain('Mock reply number');
    const shown = await happier(['session', 'show', id, '--json', '--messages', '10']);
    const messages = (JSON.parse(shown.stdout) as { data: { messages: { role: string; text: string }[] } }).data.messages;
    expect(messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual([`Keep ${secret} in mind`, 'Say something else']);

    const stopped = await happier(['stop', id]);
    expect(stopped.code, describeCli(stopped)).toBe(0);

    const resumeMark = world.mock.mark();
    const question = 'What did I ask you to keep in mind?';
    const third = await diagnose('a send to the stopped session', () => send([id, question, '--wait', '--timeout', '120']));
    expect(third).toMatchObject({ delivery: 'resumed', vendorSessionId: second.vendorSessionId });
    expect(third.reply?.text).toContain('Mock reply number');
    const hits = world.mock.modelRequestsContaining(question, resumeMark).filter((r) => r.text.includes(secret));
    expect(hits.length, `the request after the resume should carry the earlier turn\n${world.mock.describe(resumeMark)}`).toBeGreaterThan(0);
    await happier(['stop', id]);
  }, 420_000);
});
