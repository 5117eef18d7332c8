import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHappier, type CliRun } from '../helpers/run-happier.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startMockModelApi, type MockModelApi } from '../support/mock-model-api.js';
import { createProviderSandbox, missingProviderBins, type ProviderSandbox } from '../support/provider-sandbox.js';
import { testTmux, waitUntil } from '../support/tmux-pane.js';

// Issue 4, "The real-CLI lane": a real interactive `claude` under happier in an isolated
// tmux server, stopped with `happier stop` and brought back with `happier resume`; the
// resumed conversation must carry the turn typed before the stop.

let mock: MockModelApi;
let machine: ProviderSandbox;
let env: Record<string, string>;
const world = tempDir('happier-real-terminal-');
const tmux = testTmux(join(world.path, 'tmux.sock'));

beforeAll(async () => {
  const missing = missingProviderBins();
  if (missing.length > 0) {
    throw new Error(`provider CLIs not installed (${missing.join(', ')}): run \`node scripts/install-provider-clis.mjs\` first`);
  }
  mock = await startMockModelApi();
  machine = createProviderSandbox('terminal', join(world.path, 'machine'), { mockUrl: mock.url, cwdRelative: 'work/project' });
  env = { ...machine.env, HAPPIER_TMUX_SOCKET: tmux.socket, HAPPIER_STOP_STEP_MS: '2000' };
});

afterAll(async () => {
  // The server lives on this test's own socket, so this stops only what the test started.
  tmux.killServer();
  await mock?.close();
  world.cleanup();
});

function describeCli(label: string, r: CliRun): string {
  return `${label}: exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

describe('a real claude under happier in tmux', () => {
  it('stops, resumes the same conversation, and the next turn carries the earlier one', async () => {
    const secret = `SECRET-TMUX-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    let tmuxSession = '';
    // Every failure shows what the pane and the model API saw.
    const diagnose = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(
          `${step}: ${message}\n--- pane ${tmuxSession || '(none yet)'}\n${tmuxSession ? tmux.capture(tmuxSession) : ''}\n--- tmux sessions\n${tmux.run(['list-sessions']).stdout}\n--- mock model API\n${mock.describe()}`,
        );
      }
    };

    const started = await diagnose('happier new', async () => {
      const r = await runHappier(['new', '--agent', 'claude', '--detached', '--json'], env, { cwd: machine.cwd });
      expect(r.code, describeCli('happier new', r)).toBe(0);
      return JSON.parse(r.stdout) as { data: { session: { id: string; vendorSessionId: string | null; cwd: string }; tmuxSession: string } };
    });
    const { session } = started.data;
    tmuxSession = started.data.tmuxSession;
    expect(session.cwd).toBe(machine.cwd);
    expect(session.vendorSessionId).toMatch(/^[0-9a-f-]{36}$/);

    await diagnose('claude shows its prompt', () => tmux.waitForText(tmuxSession, '? for shortcuts', 30_000));
    const firstMark = mock.mark();
    await diagnose('the first turn', async () => {
      await tmux.typeLine(tmuxSession, `Keep ${secret} in mind`);
      await mock.waitForModelRequest(secret, firstMark, 30_000);
      await tmux.waitForText(tmuxSession, 'Mock reply number', 30_000);
    });

    await diagnose('happier stop', async () => {
      const r = await runHappier(['stop', session.id], env, { cwd: machine.cwd });
      expect(r.code, describeCli('happier stop', r)).toBe(0);
      expect(tmux.hasSession(tmuxSession), 'the tmux session should be gone after stop').toBe(false);
      const show = await runHappier(['session', 'show', session.id, '--json'], env, { cwd: machine.cwd });
      expect((JSON.parse(show.stdout) as { data: { session: { active: boolean } } }).data.session.active).toBe(false);
    });

    const resumeMark = mock.mark();
    await diagnose('happier resume', async () => {
      const r = await runHappier(['resume', session.id, '--detached'], env, { cwd: machine.cwd });
      expect(r.code, describeCli('happier resume', r)).toBe(0);
      await waitUntil('the earlier turn on screen', () => {
        const pane = tmux.capture(tmuxSession);
        return pane.includes(secret) && pane.includes('? for shortcuts');
      }, 30_000);
    });

    const request = await diagnose('the turn after the resume', async () => {
      await tmux.typeLine(tmuxSession, 'What did I ask you to keep in mind?');
      return mock.waitForModelRequest('What did I ask you to keep in mind?', resumeMark, 30_000);
    });
    expect(request.text, 'the request after the resume should carry the earlier turn').toContain(secret);

    // The same vendor session, not a fresh one.
    const show = await runHappier(['session', 'show', session.id, '--json'], env, { cwd: machine.cwd });
    const after = JSON.parse(show.stdout) as { data: { session: { vendorSessionId: string; active: boolean } } };
    expect(after.data.session).toMatchObject({ vendorSessionId: session.vendorSessionId, active: true });

    const stop = await runHappier(['stop', session.id], env, { cwd: machine.cwd });
    expect(stop.code, describeCli('happier stop (end)', stop)).toBe(0);
  });
});
