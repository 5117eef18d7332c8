/**
 * The lifecycle run from shells that differ the way users' shells do: no locale at all
 * (ssh commands, cron), another TMUX_TMPDIR, inside another tmux server. The session's
 * record says where its pane lives, so every shell finds the same running provider.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { watchPs } from '../../helpers/ps-watch.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

const dir = tempDir('happier-callers-');
const project = join(dir.path, 'projekt ü');
const tmpA = join(dir.path, 'tmp-a');
const tmpB = join(dir.path, 'tmp-b');
const uid = process.getuid!();
const socketA = join(tmpA, `tmux-${uid}`, 'default');
const socketB = join(tmpB, `tmux-${uid}`, 'default');
const launchLog = join(dir.path, 'launches.jsonl');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SECRET = 'sk-ant-test-9f8e7d6c5b4a-SECRET';
mkdirSync(project, { recursive: true });
mkdirSync(tmpA);
mkdirSync(tmpB);

// No LANG, LC_ALL or LC_CTYPE, and no HAPPIER_TMUX_SOCKET: tmux's default server decides.
const base: Record<string, string | undefined> = {
  LANG: undefined,
  HAPPIER_HOME: join(dir.path, 'happier'),
  HOME: dir.path,
  NO_COLOR: '1',
  HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
  FAKE_LOG: launchLog,
  HAPPIER_START_WATCH_MS: '700',
  HAPPIER_STOP_STEP_MS: '700',
};
const shellA = { ...base, TMUX_TMPDIR: tmpA };
const shellB = { ...base, TMUX_TMPDIR: tmpB };

const json = async (args: string[], env: Record<string, string | undefined>) => {
  const r = await runHappier([...args, '--json'], env, { cwd: project });
  return { code: r.code, stderr: r.stderr, body: JSON.parse(r.stdout) };
};
const tmux = (socket: string, ...args: string[]) => {
  try {
    return execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
};
const sessionsOn = (socket: string) => tmux(socket, 'list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean);
const launches = (): { argv: string[]; env: Record<string, string | null> }[] =>
  readFileSync(launchLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const activeIn = async (id: string, env: Record<string, string | undefined>) => (await json(['session', 'show', id], env)).body.data.session.active;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (what: string, check: () => boolean, ms = 8000) => {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
};

beforeAll(() => claudeSetUp({ HOME: dir.path }));

afterAll(() => {
  tmux(socketA, 'kill-server');
  tmux(socketB, 'kill-server');
  dir.cleanup();
});

describe('a session reached from shells with different environments', () => {
  let id = '';

  it('starts without any locale, never puts the API key on an argv, and gives the pane UTF-8', async () => {
    const ps = watchPs([SECRET]);
    const r = await json(['new', '--title', 'ünïcode title'], { ...shellA, ANTHROPIC_API_KEY: SECRET });
    await sleep(300);
    expect(await ps.stop()).toEqual([]);
    expect(ps.samples()).toBeGreaterThan(1);
    expect(r.stderr).toBe('');
    expect(r.body.ok).toBe(true);
    id = r.body.data.session.id;
    expect(sessionsOn(socketA)).toContain(`happier-${id.slice(0, 8)}`);
    const pane = launches().at(-1)!;
    expect(pane.env.ANTHROPIC_API_KEY).toBe(SECRET);
    expect(pane.env.LC_CTYPE).toMatch(/utf-?8/i);
    expect(pane.env.LANG).toMatch(/utf-?8/i);
  });

  it('is active seen from a shell with another TMUX_TMPDIR', async () => {
    expect(await activeIn(id, shellB)).toBe(true);
    const list = (await json(['session', 'list', '--active'], shellB)).body.data.sessions.map((s: { id: string }) => s.id);
    expect(list).toEqual([id]);
  });

  it('refuses a resume from that shell, and from inside another tmux server, without starting a second provider', async () => {
    const before = launches().length;
    const fromB = await json(['resume', id], shellB);
    expect(fromB.code).toBe(1);
    expect(fromB.body.error.code).toBe('ALREADY_ACTIVE');
    mkdirSync(join(tmpB, `tmux-${uid}`), { mode: 0o700 });
    tmux(socketB, 'new-session', '-d', '-s', 'other', 'sleep 60');
    const inside = await json(['resume', id], { ...shellB, TMUX: `${socketB},1,0`, TMUX_PANE: '%0' });
    expect(inside.body.error.code).toBe('ALREADY_ACTIVE');
    expect(launches().length).toBe(before);
    expect(sessionsOn(socketB)).toEqual(['other']);
  });

  it('takes a first message typed into its pane, so it has a conversation to resume', async () => {
    const target = `=happier-${id.slice(0, 8)}:`;
    await waitFor('the prompt', () => tmux(socketA, 'capture-pane', '-p', '-t', target).includes('? for shortcuts'));
    tmux(socketA, 'send-keys', '-t', target, '-l', 'hello');
    tmux(socketA, 'send-keys', '-t', target, 'Enter');
    const resume = async () => (await json(['session', 'show', id], shellB)).body.data.session.resume.status;
    for (const until = Date.now() + 8000; Date.now() < until && (await resume()) !== 'yes'; await sleep(100));
    expect(await resume()).toBe('yes');
  });

  it('stops it from that other shell', async () => {
    const r = await json(['stop', id], shellB);
    expect(r.body.data).toMatchObject({ id, stopped: true });
    expect(sessionsOn(socketA)).not.toContain(`happier-${id.slice(0, 8)}`);
    expect(await activeIn(id, shellA)).toBe(false);
  });

  it('resumes without a locale on the server of the shell that asked, and the first shell sees it there', async () => {
    const ps = watchPs([SECRET]);
    const r = await json(['resume', id], { ...shellB, ANTHROPIC_API_KEY: SECRET });
    expect(await ps.stop()).toEqual([]);
    expect(r.body.ok).toBe(true);
    expect(sessionsOn(socketB)).toContain(`happier-${id.slice(0, 8)}`);
    expect(await activeIn(id, shellA)).toBe(true);
    expect(launches().at(-1)!.env.ANTHROPIC_API_KEY).toBe(SECRET);
  });

  it('attaches from a plain terminal without a locale', async () => {
    const clientSock = join(dir.path, 'client.sock');
    const argv = ['env', '-u', 'TMUX', '-u', 'LANG', '-u', 'LC_ALL', '-u', 'LC_CTYPE', ...Object.entries(shellA).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`])), process.execPath, HAPPIER_BIN, 'attach', id];
    tmux(clientSock, 'new-session', '-d', '-s', 'outside', '-x', '100', '-y', '30', '--', ...argv);
    const name = `happier-${id.slice(0, 8)}`;
    await waitFor('a client on the session', () => tmux(socketB, 'list-clients', '-F', '#{client_session}').includes(name));
    tmux(socketB, 'detach-client', '-s', `=${name}`);
    await waitFor('happier attach to return', () => !tmux(clientSock, 'list-sessions').includes('outside'));
    tmux(clientSock, 'kill-server');
  });

  it('calls the session inactive once its server is gone, even if a new server reuses the name', async () => {
    const name = `happier-${id.slice(0, 8)}`;
    tmux(socketB, 'kill-server');
    await waitFor('server B to go', () => sessionsOn(socketB).length === 0);
    tmux(socketB, 'new-session', '-d', '-s', name, 'sleep 60');
    expect(await activeIn(id, shellA)).toBe(false);
    const stop = await json(['stop', id], shellA);
    expect(stop.body.data).toMatchObject({ stopped: false, outcome: 'not-running' });
    expect(sessionsOn(socketB)).toEqual([name]);
  });
});
