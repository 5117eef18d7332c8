import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSetUp } from '../../helpers/claude-setup.js';
import { makeClient, startServer, type Client, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { processesOfSandbox } from '../../support/sandbox-processes.js';

// Issue 14, "presence without any manual beat, after a reboot of the daemon's machine too".
// A reboot is every process of the machine's HOME dying (daemon, tmux server, provider,
// and its user manager), then the boot:
// - beta has no user manager (as this container), so the daemon starts from exactly what
//   `server connect` wrote into the unit file, ExecStart and Environment, by hand;
// - gamma has a real `systemd --user` (in a mount namespace of its own that says systemd
//   booted); `server connect` enables the unit there, and a fresh manager starts it.
// Only alpha looks: any request beta or gamma makes itself is a heartbeat.

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
const gammaRoot = join(dir.path, 'gamma');
const gammaSock = join(dir.path, 'gamma-tmux.sock');
const gammaRuntime = join(dir.path, 'gamma-runtime');
const gammaXdg = join(gammaRoot, 'xdg');
const gamma = makeClient(dir.path, 'gamma', {
  HAPPIER_DAEMON: 'on',
  XDG_CONFIG_HOME: gammaXdg,
  XDG_RUNTIME_DIR: gammaRuntime,
  HAPPIER_TMUX_SOCKET: gammaSock,
  HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
  FAKE_LOG: join(dir.path, 'fake-gamma.jsonl'),
  HAPPIER_START_WATCH_MS: '500',
});
let server: RunningServer;
let betaId = '';
let sessionId = '';
let bootedPid: number | undefined;
const managers: number[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A machine as alpha's `server status --json` and `machine list --json` show it. */
async function seenFromAlpha(machineId: string): Promise<{ status: boolean | undefined; list: string | null | undefined }> {
  const status = await alpha.json('server', 'status');
  const list = await alpha.json('machine', 'list');
  expect(list.code, list.stderr).toBe(0);
  return {
    status: status.body.data.machines.find((m: { machineId: string }) => m.machineId === machineId)?.online,
    list: list.body.data.machines.find((m: { id: string }) => m.id === machineId)?.presence,
  };
}

async function untilSeen(machineId: string, online: boolean, timeoutMs: number): Promise<void> {
  const want = { status: online, list: online ? 'online' : 'offline' };
  const deadline = Date.now() + timeoutMs;
  let seen = await seenFromAlpha(machineId);
  while (seen.status !== want.status || seen.list !== want.list) {
    if (Date.now() > deadline) throw new Error(`alpha saw ${machineId} as ${JSON.stringify(seen)}, wanted ${JSON.stringify(want)} within ${timeoutMs} ms`);
    await sleep(200);
    seen = await seenFromAlpha(machineId);
  }
}

/** Online at every look for longer than two offline windows: the daemon's own heartbeats alone. */
async function staysOnline(machineId: string): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await sleep(OFFLINE_MS / 2);
    expect(await seenFromAlpha(machineId)).toEqual({ status: true, list: 'online' });
  }
}

async function sessionFromAlpha(id: string): Promise<{ active: boolean; input: { state: string; reason: string } } | undefined> {
  const r = await alpha.json('session', 'list', '--everywhere');
  expect(r.code, r.stderr).toBe(0);
  return r.body.data.sessions.find((s: { id: string }) => s.id === id);
}

async function untilInput(id: string, reason: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await sessionFromAlpha(id);
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

/** The unit `server connect` wrote: its file name, command line and the environment it declares. */
function unitOf(xdgConfigHome: string): { name: string; argv: string[]; env: Record<string, string> } {
  const unitDir = join(xdgConfigHome, 'systemd', 'user');
  const name = readdirSync(unitDir).find((f) => /^happier-daemon.*\.service$/.test(f));
  if (!name) throw new Error(`no unit in ${unitDir}`);
  const text = readFileSync(join(unitDir, name), 'utf8');
  const values = (key: string) => text.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const [exec] = values('ExecStart');
  const env = Object.fromEntries(
    values('Environment').flatMap(unitWords).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { name, argv: unitWords(exec!), env };
}

/** Every process of a machine's HOME, and its tmux server (whatever HOME it kept). */
function processesOf(root: string, tmuxSocket: string): number[] {
  const tmux = spawnSync('tmux', ['-S', tmuxSocket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' });
  const tmuxPid = tmux.status === 0 ? Number(tmux.stdout.trim()) : undefined;
  return [...new Set([...processesOfSandbox(root).map((p) => p.pid), ...(tmuxPid ? [tmuxPid] : [])])];
}

/** The power goes: SIGKILL to each, then none is left. */
async function powerOff(root: string, tmuxSocket: string): Promise<number[]> {
  const procs = processesOf(root, tmuxSocket);
  for (const pid of procs) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && procs.some(alive); i++) await sleep(50);
  expect(procs.filter(alive)).toEqual([]);
  expect(processesOf(root, tmuxSocket)).toEqual([]);
  return procs;
}

/** Any `happier server beat` running anywhere on this host. */
function serverBeats(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return /\bserver\0beat\b/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

const SYSTEMD = '/lib/systemd/systemd';

/**
 * gamma's `systemd --user`, started the way a login does, with a fresh runtime dir (a
 * reboot empties /run/user). systemd refuses a user manager unless /run/systemd/system
 * exists; a private mount namespace gives it that without touching the host.
 */
async function bootUserManager(): Promise<void> {
  if (!existsSync(SYSTEMD)) throw new Error(`${SYSTEMD} is missing: install systemd (apt-get install systemd) for this test`);
  rmSync(gammaRuntime, { recursive: true, force: true });
  mkdirSync(gammaRuntime, { mode: 0o700 });
  const env = { HOME: gammaRoot, USER: userInfo().username, LOGNAME: userInfo().username, SHELL: '/bin/sh', PATH: '/usr/local/bin:/usr/bin:/bin', XDG_RUNTIME_DIR: gammaRuntime, XDG_CONFIG_HOME: gammaXdg, SYSTEMD_LOG_TARGET: 'console' };
  const log = openSync(join(dir.path, 'gamma-manager.log'), 'a');
  const manager = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system && exec ${SYSTEMD} --user`], {
    env,
    cwd: gammaRoot,
    stdio: ['ignore', log, log],
    detached: true,
  });
  manager.unref();
  managers.push(manager.pid!);
  const deadline = Date.now() + 10_000;
  // `is-system-running` says "offline" from outside the namespace; the manager's own SystemState does not.
  while (!['running', 'degraded'].includes(systemctl('show', '-p', 'SystemState', '--value').stdout.trim())) {
    if (manager.exitCode !== null || Date.now() > deadline) throw new Error(`systemd --user did not come up: ${readFileSync(join(dir.path, 'gamma-manager.log'), 'utf8')}`);
    await sleep(100);
  }
}

/** gamma's systemctl --user, as gamma's shell would run it; the answer, or what went wrong. */
function systemctl(...args: string[]): { code: number | null; stdout: string } {
  const r = spawnSync('systemctl', ['--user', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: gammaRoot, XDG_RUNTIME_DIR: gammaRuntime, XDG_CONFIG_HOME: gammaXdg } });
  return { code: r.status, stdout: r.status === 0 || r.stdout ? (r.stdout ?? '') : `(exit ${r.status}: ${r.stderr.trim()})` };
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
  // Their claude is past its first run, or `new` stops at PROVIDER_LOGIN.
  claudeSetUp(beta.env);
  claudeSetUp(gamma.env);
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
  const left = [...processesOf(betaRoot, sock), ...processesOf(gammaRoot, gammaSock), ...managers, ...(bootedPid ? [bootedPid] : [])];
  for (const pid of left) {
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
    await untilSeen(betaId, true, 5_000);
    await untilInput(sessionId, 'running', 10_000);
    await staysOnline(betaId);
  });

  it('every process of beta dies; after the presence timeout alpha sees beta offline, and its session owner-offline', async () => {
    const procs = await powerOff(betaRoot, sock);
    // The daemon, the tmux server and the provider in its pane at least.
    expect(procs.length).toBeGreaterThanOrEqual(3);
    const downAt = Date.now();
    await untilSeen(betaId, false, OFFLINE_MS * 3);
    // Not at once: the last beat came at most a third of the window before the kill.
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(OFFLINE_MS / 2);
    expect((await sessionFromAlpha(sessionId))?.input).toEqual({ state: 'disabled', reason: 'owner-offline' });
  });

  it("the unit's ExecStart, with only its Environment, brings beta back online with no `server beat`; the session is resumable", async () => {
    const unit = unitOf(beta.env.XDG_CONFIG_HOME!);
    expect(unit.argv.slice(-3)).toEqual(['server', 'daemon', 'run']);
    expect(unit.env).toMatchObject({ HAPPIER_HOME: beta.home, HAPPIER_TMUX_SOCKET: sock });
    // What the user manager gives every unit, then the unit's own lines; nothing from this test's shell.
    const bootEnv = { HOME: betaRoot, USER: process.env.USER ?? 'root', LOGNAME: process.env.USER ?? 'root', SHELL: '/bin/sh', ...unit.env };
    const log = openSync(join(dir.path, 'journal.log'), 'a');
    const booted = spawn(unit.argv[0]!, unit.argv.slice(1), { env: bootEnv, stdio: ['ignore', log, log], detached: true, cwd: betaRoot });
    booted.unref();
    bootedPid = booted.pid;
    await untilSeen(betaId, true, 10_000);
    await untilInput(sessionId, 'resumable', 10_000);
    expect(await sessionFromAlpha(sessionId)).toMatchObject({ active: false, input: { state: 'enabled', reason: 'resumable' } });
    await staysOnline(betaId);
    expect(serverBeats()).toEqual([]);
    expect(alive(booted.pid!)).toBe(true);
  });
});

describe("gamma's daemon under a real systemd --user, across a reboot of gamma", () => {
  let gammaId = '';
  let gammaSession = '';
  let unitName = '';

  it('server connect enables the unit in the user manager, which runs the daemon; alpha sees gamma online', async () => {
    await bootUserManager();
    const link = await alpha.json('server', 'link');
    const g = await gamma.json('server', 'connect', server.url, '--link', link.body.data.code, '--name', 'gamma');
    expect(g.code, g.stderr).toBe(0);
    expect(g.body.data.daemon).toMatchObject({ manager: 'systemd', pid: expect.any(Number) });
    gammaId = g.body.data.machineId;
    unitName = unitOf(gammaXdg).name;
    expect(systemctl('is-enabled', unitName).stdout.trim()).toBe('enabled');
    expect(systemctl('is-active', unitName).stdout.trim()).toBe('active');
    // One daemon, the unit's own: connect did not start a second one to race it for the lock.
    expect(Number(systemctl('show', '-p', 'MainPID', '--value', unitName).stdout.trim())).toBe(g.body.data.daemon.pid);
    await sleep(1_000);
    // A daemon started beside the unit's would have said so in the log.
    expect(readFileSync(join(gamma.home, 'logs', 'daemon.log'), 'utf8')).not.toContain('not starting another');
    const made = await gamma.json('new', '--detached', '--cwd', project);
    expect(made.code, made.stderr).toBe(0);
    gammaSession = made.body.data.session.id;
    const first = await gamma.json('send', gammaSession, 'a first turn', '--wait', '--timeout', '20');
    expect(first.code, first.stderr).toBe(0);
    await untilSeen(gammaId, true, 5_000);
    await untilInput(gammaSession, 'running', 10_000);
  });

  it('every process of gamma dies, its user manager too; alpha sees gamma offline', async () => {
    const procs = await powerOff(gammaRoot, gammaSock);
    expect(procs).toEqual(expect.arrayContaining(managers));
    await untilSeen(gammaId, false, OFFLINE_MS * 3);
    expect((await sessionFromAlpha(gammaSession))?.input).toEqual({ state: 'disabled', reason: 'owner-offline' });
  });

  it('at the next boot the user manager starts the daemon by itself; gamma is online with no beat and the session resumable', async () => {
    await bootUserManager();
    await untilSeen(gammaId, true, 15_000);
    expect(systemctl('is-active', unitName).stdout.trim()).toBe('active');
    await untilInput(gammaSession, 'resumable', 10_000);
    expect(await sessionFromAlpha(gammaSession)).toMatchObject({ active: false, input: { state: 'enabled', reason: 'resumable' } });
    await staysOnline(gammaId);
    expect(serverBeats()).toEqual([]);
    const status = await gamma.json('server', 'daemon', 'status');
    const mainPid = Number(systemctl('show', '-p', 'MainPID', '--value', unitName).stdout.trim());
    expect(status.body.data.pid).toBe(mainPid);
    // The unit's daemon writes where `status` says its log is.
    expect(readFileSync(status.body.data.log, 'utf8')).toMatch(new RegExp(`daemon ${mainPid} for [\\s\\S]*online as ${gammaId}`));
  });
});
