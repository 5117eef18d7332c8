/**
 * Issue 13, the real-CLI half of "Done when": a real session made on the laptop (a
 * non-root account, no locale) is handed off to mb (a non-root account with no locale,
 * whose node, happier, tmux, provider CLIs and provider settings come from its login
 * profile only, reached through ProxyJump). On mb the real CLI shows the conversation,
 * not a trust dialog for the new folder; after `stop` it resumes there from the new cwd
 * with the earlier turns. No argv shows the API key meanwhile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchPs } from '../helpers/ps-watch.js';
import type { CliRun } from '../helpers/run-happier.js';
import { startUserMachine, type UserMachine } from '../helpers/user-machine.js';
import { firstTurn } from '../support/first-turn.js';
import { createProviderSandbox, MOCK_API_KEY, type ProviderAgent, type ProviderSandbox } from '../support/provider-sandbox.js';
import { describeCli, realCliWorld, TUI_READY } from '../support/real-cli-world.js';
import { testTmux, waitUntil, type TestTmux } from '../support/tmux-pane.js';

const world = realCliWorld('happier-um-real-');
const TRUST_PROMPT = /Do you trust|trust the files|trust this (folder|directory)|allow Codex to work/i;
/** What happier finds for itself on mb: its login PATH, HOME and default HAPPIER_HOME. */
const NOT_IN_PROFILE = new Set(['HOME', 'PATH', 'USER', 'LANG', 'TERM', 'HAPPIER_HOME', 'HAPPIER_CLAUDE_BIN', 'HAPPIER_CODEX_BIN', 'HAPPIER_OPENCODE_BIN']);

let um: UserMachine;
let laptop: ProviderSandbox;
let laptopEnv: Record<string, string | undefined>;
let mbTmux: TestTmux;

beforeAll(async () => {
  um = await startUserMachine({ providers: 'real' });
  const mb = createProviderSandbox('mb', um.mb.home, { mockUrl: world.mock.url });
  um.setProfileEnv(Object.fromEntries(Object.entries(mb.env).filter(([k]) => !NOT_IN_PROFILE.has(k))));
  um.mb.chown(um.mb.home);
  mbTmux = testTmux(um.mb.tmuxSocket);

  laptop = createProviderSandbox('laptop', um.laptop.home, { mockUrl: world.mock.url, cwdRelative: 'work/claude' });
  for (const agent of ['opencode', 'codex']) {
    mkdirSync(join(laptop.home, 'work', agent), { recursive: true });
    laptop.trust(join(laptop.home, 'work', agent));
  }
  um.laptop.chown(um.laptop.home);
  laptopEnv = { ...laptop.env, USER: um.laptop.user, LANG: undefined };

  const added = await um.happier(['machine', 'add', 'mb', 'mb'], { env: laptopEnv });
  if (added.code !== 0) throw new Error(`machine add mb mb failed: ${describeCli(added)}`);
  const codex = await um.happier(['settings', 'set', 'handoff.codexExperimental', 'true'], { env: laptopEnv });
  if (codex.code !== 0) throw new Error(`enabling Codex handoff failed: ${describeCli(codex)}`);
});

afterAll(async () => {
  await um?.stop();
});

const parse = (r: CliRun) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { raw: r.stdout };
  }
};

describe.each(['claude', 'opencode', 'codex'] as const)('a real %s session handed off to the user machine', (agent: ProviderAgent) => {
  it('shows the conversation on mb, not a trust dialog, and resumes there after stop with the earlier turns', async () => {
    const mock = world.mock;
    const cwd = join(laptop.home, 'work', agent);
    writeFileSync(join(cwd, 'notes.md'), `# ${agent}\n`);
    um.laptop.chown(cwd);
    const secret = `SECRET-${agent.toUpperCase()}-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    const asLaptop = { ...laptop, cwd, env: Object.fromEntries(Object.entries(laptopEnv).filter(([, v]) => v !== undefined)) as Record<string, string> };
    const vendorId = await firstTurn(agent, asLaptop, `Keep ${secret} in mind. Reply briefly.`, { mock, uid: um.laptop.uid, gid: um.laptop.gid });

    const taken = await um.happier(['direct', 'takeover', vendorId, '--agent', agent, '--json'], { env: laptopEnv, cwd });
    expect(taken.code, describeCli(taken)).toBe(0);
    const id = parse(taken).data.session.id as string;

    const ps = watchPs([MOCK_API_KEY]);
    const handed = await um.happier(['handoff', id, '--to', 'mb', '--workspace', '--json'], { env: laptopEnv, cwd });
    expect(await ps.stop()).toEqual([]);
    expect(handed.code, `${describeCli(handed)}\n--- mock\n${mock.describe()}`).toBe(0);
    const result = parse(handed).data;
    const target = result.plan.target.path as string;
    expect(target).toBe(join(um.mb.home, 'work', agent));

    const turn = async (tmuxSession: string, question: string, mustCarry: string[]) => {
      const mark = mock.mark();
      const pane = () => `\n--- pane on mb\n${mbTmux.capture(tmuxSession)}\n--- mock\n${mock.describe(mark)}`;
      const screen = () => mbTmux.capture(tmuxSession);
      await waitUntil(`${TUI_READY[agent]} or a trust dialog on mb`, () => screen().includes(TUI_READY[agent]) || TRUST_PROMPT.test(screen()), 60_000).catch((err) => {
        throw new Error(`${(err as Error).message}${pane()}`);
      });
      expect(screen(), `a trust dialog instead of the conversation${pane()}`).not.toMatch(TRUST_PROMPT);
      await mbTmux.typeLine(tmuxSession, question);
      const hits = () => mock.modelRequestsContaining(question, mark).filter((r) => mustCarry.every((w) => r.text.includes(w)));
      await waitUntil(`a request from mb with ${question} and ${mustCarry.join(', ')}`, () => hits().length > 0, 60_000).catch((err) => {
        throw new Error(`${(err as Error).message}${pane()}`);
      });
    };
    const first = `What did I ask you to keep in mind, ${agent}?`;
    // The cwd appears in each CLI's environment prompt: the conversation runs in the new folder.
    await turn(result.tmuxSession, first, [secret, target]);

    const stopped = await um.onMb(['stop', id, '--json']);
    expect(parse(stopped).data, describeCli(stopped)).toMatchObject({ id, stopped: true });
    const psResume = watchPs([MOCK_API_KEY]);
    const resumed = await um.onMb(['resume', id, '--detached', '--json']);
    expect(await psResume.stop()).toEqual([]);
    expect(resumed.code, describeCli(resumed)).toBe(0);
    const again = parse(resumed).data;
    await turn(again.tmuxSession ?? result.tmuxSession, `And once more, ${agent}: what was it?`, [secret, first, target]);

    const there = parse(await um.onMb(['session', 'show', id, '--json'])).data.session;
    expect(there).toMatchObject({ ownerMachineName: expect.any(String), cwd: target, active: true, vendorSessionId: vendorId });
  });
});
