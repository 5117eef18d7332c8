import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient, startServer, type Client, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { processesOfSandbox } from '../../support/sandbox-processes.js';

// Issue 14, "presence without any manual beat, after a reboot of the daemon's machine too".
// No systemd user manager runs in this container, so the reboot is played out by hand:
// every process of beta's HOME dies (daemon, tmux server, provider), then the daemon
// starts from exactly what `server connect` wrote into the unit file, ExecStart and
// Environment, as the user manager would at boot. Only alpha looks: any request beta
// makes itself is a heartbeat, so beta is never asked.

const OFFLINE_MS = 2_500;
const dir = tempDir('happier-daemon-reboot-');
const fixture = (name: string) => fileURLToPath(new URL(`../lifecycle/fixtures/${name}`, import.meta.url));
const betaRoot = join(dir.path, 'beta');
const sock = join(dir.path, 'beta-tmux.sock');
const project = join(dir.path, 'project');
const alpha = makeClient(dir.path, 'alpha', { XDG_CONFIG_HOME: join(dir.path, 'alpha', 'xdg') });
// No HAPPIER_HEARTBEAT_MS: the unit does not carry it, so the daemon keeps its own pace.
const beta = makeClient(dir.path, 'beta', {
  HAPPIER_DAEMON: 'on',
  XDG_CONFIG_HOME: join(betaRoot, 'xdg'),
  HAPPIER_TMUX_SOCKET: sock,
  HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
  FAKE_LOG: join(dir.path, 'fake.jsonl'),
  HAPPIER_START_WATCH_MS: '500',
});
let server: RunningServer;
let betaId = '';
let sessionId = '';
let bootedPid: number | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Beta as alpha's `server status --json` and `machine list --json` show it. */
async function betaSeenFromAlpha(): Promise<{ status: boolean | undefined; list: string | null | undefined }> {
  const status = await alpha.json('server', 'status');
  const list = await alpha.json('machine', 'list');
  expect(list.code, list.stderr).toBe(0);
  return {
    status: status.body.data.machines.find((m: { machineId: string }) => m.machineId === betaId)?.online,
    list: list.body.data.machines.find((m: { id: string }) => m.id === betaId)?.presence,
  };
}

async function untilSeen(online: boolean, timeoutMs: number): Promise<void> {
  const want = { status: online, list: online ? 'online' : 'offline' };
  const deadline = Date.now() + timeoutMs;
  let seen = await betaSeenFromAlpha();
  while (seen.status !== want.status || seen.list !== want.list) {
    if (Date.now() > deadline) throw new Error(`alpha saw beta as ${JSON.stringify(seen)}, wanted ${JSON.stringify(want)} within ${timeoutMs} ms`);
    await sleep(200);
    seen = await betaSeenFromAlpha();
  }
}

async function sessionFromAlpha(): Promise<{ active: boolean; input: { state: string; reason: string } } | undefined> {
  const r = await alpha.json('session', 'list', '--everywhere');
  expect(r.code, r.stderr).toBe(0);
  return r.body.data.sessions.find((s: { id: string }) => s.id === sessionId);
}

async function untilInput(reason: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await sessionFromAlpha();
    if (s?.input.reason === reason) return;
    if (Date.now() > deadline) throw new Error(`alpha saw the session's input as ${JSON.stringify(s?.input)}, wanted ${reason}`);
    await sleep(200);
  }
}

/** systemd's own quoting rules for ExecStart= and Environment= values: "…" with \\ \" escapes, %% and $$. */
function unitWords(value: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    words.push(raw.replace(/%%/g, '%').replace(/\$\$/g, '$'));
  }
  return words;
}

/** The unit `server connect` wrote for beta: its command line and the environment it declares. */
function betaUnit(): { argv: string[]; env: Record<string, string>; path: string } {
  const unitDir = join(beta.env.XDG_CONFIG_HOME!, 'systemd', 'user');
  const name = readdirSync(unitDir).find((f) => /^happier-daemon.*\.service$/.test(f));
  if (!name) throw new Error(`no unit in ${unitDir}`);
  const text = readFileSync(join(unitDir, name), 'utf8');
  const values = (key: string) => text.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const [exec] = values('ExecStart');
  const env = Object.fromEntries(
    values('Environment').flatMap(unitWords).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { argv: unitWords(exec!), env, path: join(unitDir, name) };
}

/** Every process of beta's HOME, and its tmux server (whatever HOME it kept). */
function betaProcesses(): number[] {
  const tmux = spawnSync('tmux', ['-S', sock, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' });
  const tmuxPid = tmux.status === 0 ? Number(tmux.stdout.trim()) : undefined;
  return [...new Set([...processesOfSandbox(betaRoot).map((p) => p.pid), ...(tmuxPid ? [tmuxPid] : [])])];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  server = await startServer(join(dir.path, 'server-data'), { HAPPIER_SERVER_OFFLINE_MS: String(OFFLINE_MS) });
  const a = await alpha.json('server', 'connect', server.url, '--name', 'alpha', '--no-daemon');
  expect(a.code, a.stderr).toBe(0);
  const link = await alpha.json('server', 'link');
  const b = await beta.json('server', 'connect', server.url, '--link', link.body.data.code, '--name', 'beta');
  expect(b.code, b.stderr).toBe(0);
  expect(b.body.data.daemon).toMatchObject({ manager: 'none', pid: expect.any(Number) });
  betaId = b.body.data.machineId;
  const made = await beta.json('new', '--detached', '--cwd', project);
  expect(made.code, made.stderr).toBe(0);
  sessionId = made.body.data.session.id;
  // A conversation on disk: an empty session is not resumable.
  const first = await beta.json('send', sessionId, 'a first turn', '--wait', '--timeout', '20');
  expect(first.code, first.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const pid of [...betaProcesses(), ...(bootedPid ? [bootedPid] : [])]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (server && server.proc.exitCode === null) await server.stop();
  dir.cleanup();
});

describe("beta's daemon across a reboot of beta, as alpha sees it", () => {
  it('before: alpha sees beta online in server status and machine list, and its session running', async () => {
    await untilSeen(true, 5_000);
    await untilInput('running', 10_000);
    // Longer than two offline windows: only the daemon's own heartbeats keep beta online.
    for (let i = 0; i < 6; i++) {
      await sleep(OFFLINE_MS / 2);
      expect(await betaSeenFromAlpha()).toEqual({ status: true, list: 'online' });
    }
  });

  it('every process of beta dies; after the presence timeout alpha sees beta offline, and its session owner-offline', async () => {
    const procs = betaProcesses();
    // The daemon, the tmux server and the provider in its pane at least.
    expect(procs.length).toBeGreaterThanOrEqual(3);
    for (const pid of procs) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && procs.some(alive); i++) await sleep(50);
    expect(procs.filter(alive)).toEqual([]);
    expect(betaProcesses()).toEqual([]);
    const downAt = Date.now();
    await untilSeen(false, OFFLINE_MS * 3);
    // Not at once: the last beat came at most a third of the window before the kill.
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(OFFLINE_MS / 2);
    expect((await sessionFromAlpha())?.input).toEqual({ state: 'disabled', reason: 'owner-offline' });
  });

  it("the unit's ExecStart, with only its Environment, brings beta back online with no `server beat`; the session is resumable", async () => {
    const unit = betaUnit();
    expect(unit.argv.slice(-3)).toEqual(['server', 'daemon', 'run']);
    expect(unit.env).toMatchObject({ HAPPIER_HOME: beta.home, HAPPIER_TMUX_SOCKET: sock });
    // What the user manager gives every unit, then the unit's own lines; nothing from this test's shell.
    const bootEnv = { HOME: betaRoot, USER: process.env.USER ?? 'root', LOGNAME: process.env.USER ?? 'root', SHELL: '/bin/sh', ...unit.env };
    const log = openSync(join(dir.path, 'journal.log'), 'a');
    const booted = spawn(unit.argv[0]!, unit.argv.slice(1), { env: bootEnv, stdio: ['ignore', log, log], detached: true, cwd: betaRoot });
    booted.unref();
    bootedPid = booted.pid;
    await untilSeen(true, 10_000);
    await untilInput('resumable', 10_000);
    expect(await sessionFromAlpha()).toMatchObject({ active: false, input: { state: 'enabled', reason: 'resumable' } });
    // It stays online on the daemon's heartbeats alone, for longer than two offline windows.
    for (let i = 0; i < 6; i++) {
      await sleep(OFFLINE_MS / 2);
      expect(await betaSeenFromAlpha()).toEqual({ status: true, list: 'online' });
    }
    const beats = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return /\bserver\0beat\b/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8'));
      } catch {
        return false;
      }
    });
    expect(beats).toEqual([]);
    expect(alive(booted.pid!)).toBe(true);
  });
});
