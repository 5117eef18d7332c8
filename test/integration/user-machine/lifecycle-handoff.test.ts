/**
 * Issue 13, "Done when", as a user sees it on machines set up the ordinary way: with LANG,
 * LC_ALL and LC_CTYPE unset, `new`, `resume`, `stop`, `attach` and a handoff work on the
 * laptop and on mb (a non-root account with its tools and provider settings on the login
 * PATH only); `ps -eo args` never shows a provider key meanwhile; the handed-off session is
 * live in its pane on mb, started there by mb's own user from the new cwd.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { HAPPIER_BIN } from '../../helpers/run-happier.js';
import { watchPs } from '../../helpers/ps-watch.js';
import { startUserMachine, type Account, type UserMachine } from '../../helpers/user-machine.js';
import { writeClaudeTranscript } from './claude-transcript.js';

const LAPTOP_KEY = 'sk-ant-test-laptop-SECRET-7f3a9c1e5b';
const MB_KEY = 'sk-ant-test-mb-profile-SECRET-2d8e4b6f0a';
const SECRETS = [LAPTOP_KEY, MB_KEY];
const UTF8 = /utf-?8/i;

let um: UserMachine;
let project: string;

interface Launch {
  argv: string[];
  cwd: string;
  pid: number;
  env: Record<string, string | null>;
}
const launches = (log: string): Launch[] => {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
}
const sessionsOn = (a: Account) => um.tmux(a, 'list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean);
const clientsOn = (a: Account) => um.tmux(a, 'list-clients', '-F', '#{client_session}');
const uidOf = (pid: number) => statSync(`/proc/${pid}`).uid;
const onMbJson = async (args: string[]) => {
  const r = await um.onMb([...args, '--json']);
  try {
    return { code: r.code, stderr: r.stderr, body: JSON.parse(r.stdout) };
  } catch {
    return { code: r.code, stderr: r.stderr, body: { raw: r.stdout } };
  }
};
/** The last provider started for `account`: how, where, by whom, with which key and a UTF-8 locale. */
function expectLastLaunch(account: Account & { launchLog: string }, want: { argv: string[]; cwd: string; key: string }): void {
  const pane = launches(account.launchLog).at(-1);
  expect(pane).toMatchObject({ argv: want.argv, cwd: want.cwd });
  expect(pane!.env.ANTHROPIC_API_KEY).toBe(want.key);
  expect(pane!.env.LC_ALL ?? pane!.env.LC_CTYPE ?? pane!.env.LANG).toMatch(UTF8);
  expect(uidOf(pane!.pid)).toBe(account.uid);
}
const explain = (r: { code: number | null; stderr: string; body: unknown }) => `exit ${r.code}\n--- stderr\n${r.stderr}\n--- stdout\n${JSON.stringify(r.body)}`;

beforeAll(async () => {
  um = await startUserMachine({
    profileEnv: { ANTHROPIC_API_KEY: MB_KEY, HAPPIER_START_WATCH_MS: '500', HAPPIER_STOP_STEP_MS: '500' },
    laptopEnv: { ANTHROPIC_API_KEY: LAPTOP_KEY },
  });
  project = join(um.laptop.home, 'code', 'projekt-ü');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'notes.md'), '# notes\n');
  um.laptop.chown(join(um.laptop.home, 'code'));
  const added = await um.json(['machine', 'add', 'mb', 'mb']);
  if (added.code !== 0) throw new Error(`machine add mb mb failed: ${explain(added)}`);
});

afterAll(async () => {
  await um?.stop();
});

describe('a session on the laptop and its handoff to mb, without any locale', () => {
  let id = '';
  let vendorId = '';
  let tmuxName = '';
  let target = '';

  it('starts with `new` on the laptop, the pane gets UTF-8 and the key, and no argv shows the key', async () => {
    const ps = watchPs(SECRETS);
    const r = await um.json(['new', '--detached', '--title', 'übergabe', '--cwd', project]);
    await sleep(300);
    const hits = await ps.stop();
    expect(r.code, explain(r)).toBe(0);
    expect(hits).toEqual([]);
    expect(ps.samples()).toBeGreaterThan(1);
    id = r.body.data.session.id;
    vendorId = r.body.data.session.vendorSessionId;
    tmuxName = `happier-${id.slice(0, 8)}`;
    expect(sessionsOn(um.laptop)).toContain(tmuxName);
    expectLastLaunch(um.laptop, { argv: ['--session-id', vendorId], cwd: project, key: LAPTOP_KEY });
  });

  it('stops, refuses nothing it should not, and resumes it on the laptop', async () => {
    const again = await um.json(['resume', id]);
    expect(again.body.error?.code, explain(again)).toBe('ALREADY_ACTIVE');
    const stopped = await um.json(['stop', id]);
    expect(stopped.body.data, explain(stopped)).toMatchObject({ id, stopped: true });
    expect(sessionsOn(um.laptop)).not.toContain(tmuxName);

    // What the real Claude would have written by now, so there is a conversation to move.
    writeClaudeTranscript(um.laptop, vendorId, project);

    const ps = watchPs(SECRETS);
    const resumed = await um.json(['resume', id, '--detached']);
    expect(await ps.stop()).toEqual([]);
    expect(resumed.code, explain(resumed)).toBe(0);
    expectLastLaunch(um.laptop, { argv: ['--resume', vendorId], cwd: project, key: LAPTOP_KEY });
    expect(sessionsOn(um.laptop)).toContain(tmuxName);
  });

  it('attaches from a laptop terminal without a locale', async () => {
    const term = um.terminal([process.execPath, HAPPIER_BIN, 'attach', id]);
    try {
      await waitFor('a client on the session', () => clientsOn(um.laptop).includes(tmuxName));
      um.tmux(um.laptop, 'detach-client', '-s', `=${tmuxName}`);
      await waitFor('happier attach to return', () => !term.running());
    } finally {
      term.close();
    }
  });

  it('hands off to mb: live in its pane there, started by mb’s user from the new cwd with mb’s own key, and no argv shows a key', async () => {
    const ps = watchPs(SECRETS);
    const r = await um.json(['handoff', id, '--to', 'mb', '--workspace']);
    const hits = await ps.stop();
    expect(r.code, explain(r)).toBe(0);
    expect(hits).toEqual([]);
    expect(r.body.data).toMatchObject({ ownerEpoch: 1, tmuxSession: tmuxName });
    target = r.body.data.plan.target.path;
    expect(target.startsWith(um.mb.home + '/')).toBe(true);
    expect(readFileSync(join(target, 'notes.md'), 'utf8')).toBe('# notes\n');

    expect(sessionsOn(um.mb)).toContain(tmuxName);
    // The provider settings of mb's ~/.profile, not the laptop's.
    expectLastLaunch(um.mb, { argv: ['--resume', vendorId], cwd: target, key: MB_KEY });
    const panePids = um.tmux(um.mb, 'list-panes', '-t', `=${tmuxName}`, '-F', '#{pane_pid} #{pane_dead}').trim();
    expect(panePids).toMatch(/^\d+ 0$/);

    const moved = join(um.mb.home, '.claude', 'projects', claudeSlug(target), `${vendorId}.jsonl`);
    expect(readFileSync(moved, 'utf8')).toContain('TANGERINE-4417');
    const st = statSync(moved);
    expect({ uid: st.uid, mode: (st.mode & 0o777).toString(8) }).toEqual({ uid: um.mb.uid, mode: '600' });

    const shown = await um.json(['session', 'show', id]);
    expect(shown.code, explain(shown)).toBe(0);
    const here = shown.body.data.session;
    expect(here).toMatchObject({ ownerMachineName: 'mb', ownerEpoch: 1, active: false });
    expect(sessionsOn(um.laptop)).not.toContain(tmuxName);
  });

  it('lets the laptop user attach with the command happier suggests, from a terminal', async () => {
    const refused = await um.happier(['attach', id]);
    expect(refused.code).toBe(1);
    // Without a terminal happier names the ssh -t line it would run; a user runs it in one.
    const suggested = /^hint: run it in a terminal: (ssh .+)$/m.exec(refused.stderr)?.[1];
    expect(suggested, refused.stderr).toBeDefined();
    const term = um.terminal(['sh', '-c', `${suggested}; echo "exit $?"; sleep 30`]);
    try {
      const attached = () => clientsOn(um.mb).includes(tmuxName);
      await waitFor('a client on mb’s session, or the command’s end', () => attached() || /^exit \d+$/m.test(term.capture()));
      expect(attached(), `a client on mb’s session\n--- terminal running \`${suggested}\`\n${term.capture()}`).toBe(true);
      um.tmux(um.mb, 'detach-client', '-s', `=${tmuxName}`);
    } finally {
      term.close();
    }
  });

  it('on mb, through the login shell: refuses a second writer, stops, resumes from the new cwd and attaches', async () => {
    const before = launches(um.mb.launchLog).length;
    const again = await onMbJson(['resume', id]);
    expect(again.body.error?.code, explain(again)).toBe('ALREADY_ACTIVE');
    expect(launches(um.mb.launchLog).length).toBe(before);

    const stopped = await onMbJson(['stop', id]);
    expect(stopped.body.data, explain(stopped)).toMatchObject({ id, stopped: true });
    expect(sessionsOn(um.mb)).not.toContain(tmuxName);

    const ps = watchPs(SECRETS);
    const resumed = await onMbJson(['resume', id, '--detached']);
    expect(await ps.stop()).toEqual([]);
    expect(resumed.code, explain(resumed)).toBe(0);
    expectLastLaunch(um.mb, { argv: ['--resume', vendorId], cwd: target, key: MB_KEY });

    const term = um.terminal(['ssh', '-t', 'mb', `exec "$SHELL" -l -c 'happier attach ${id}'`]);
    try {
      await waitFor('a client on mb’s session', () => clientsOn(um.mb).includes(tmuxName)).catch((err) => {
        throw new Error(`${(err as Error).message}\n--- terminal\n${term.capture()}`);
      });
      um.tmux(um.mb, 'detach-client', '-s', `=${tmuxName}`);
      await waitFor('the ssh -t terminal to close', () => !term.running());
    } finally {
      term.close();
    }
  });
});
