import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { SendRequest } from '../../../src/domain/message-send.js';
import { HappierError } from '../../../src/domain/errors.js';
import { claimPairing } from '../../../src/pairing/pairing-service.js';
import { sealRequest, sendViaRelay } from '../../../src/server/client/relay-client.js';
import { SyncClient } from '../../../src/server/client/sync-client.js';
import { openRegistry } from '../../../src/store/registry.js';
import { HAPPIER_BIN } from '../../helpers/run-happier.js';
import { makeClient, startServer, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

// Issue 14: `server connect` starts a per-user daemon that keeps presence without `server
// beat` and answers sends relayed through the server, exactly once.

const dir = tempDir('happier-daemon-');
const fixture = (name: string) => fileURLToPath(new URL(`../lifecycle/fixtures/${name}`, import.meta.url));
const sock = join(dir.path, 'b-tmux.sock');
const fakeLog = join(dir.path, 'fake.jsonl');
const project = join(dir.path, 'project');
const daemonEnv = { HAPPIER_DAEMON: 'on', HAPPIER_HEARTBEAT_MS: '300', HAPPIER_DAEMON_POLL_MS: '200' };
const alpha = makeClient(dir.path, 'alpha', { ...daemonEnv, XDG_CONFIG_HOME: join(dir.path, 'alpha', 'xdg') });
const beta = makeClient(dir.path, 'beta', {
  ...daemonEnv,
  XDG_CONFIG_HOME: join(dir.path, 'beta', 'xdg'),
  HAPPIER_TMUX_SOCKET: sock,
  HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
  FAKE_LOG: fakeLog,
  HAPPIER_START_WATCH_MS: '500',
  HAPPIER_SEND_CONFIRM_MS: '5000',
});
let server: RunningServer;
let betaId = '';
let sessionId = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const turns = (): string[] => {
  try {
    return readFileSync(fakeLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { turn?: string }).flatMap((l) => (l.turn === undefined ? [] : [l.turn]));
  } catch {
    return [];
  }
};
const onlineOf = async (name: string) =>
  (await alpha.json('server', 'status')).body.data.machines.find((m: { name: string }) => m.name === name)?.online;
const daemonPid = async (c: typeof alpha) => (await c.json('server', 'daemon', 'status')).body.data.pid as number | undefined;
const withAlpha = async <T>(fn: (sync: SyncClient) => Promise<T>): Promise<T> => {
  const reg = openRegistry(alpha.home);
  try {
    return await fn(SyncClient.open(reg, alpha.env));
  } finally {
    reg.close();
  }
};
const request = (sendId: string, text: string): SendRequest => ({ sendId, session: sessionId, text, queue: true, wait: false, timeoutMs: 10_000 });

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  claudeSetUp(beta.env);
  server = await startServer(join(dir.path, 'server-data'), { HAPPIER_SERVER_OFFLINE_MS: '2500' });
});
afterAll(async () => {
  for (const c of [alpha, beta]) await c.run('server', 'daemon', 'stop');
  try {
    execFileSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  if (server.proc.exitCode === null) await server.stop();
  dir.cleanup();
});

describe('server connect starts the daemon', () => {
  it('writes the systemd unit, finds no user manager here, says so and starts the daemon detached', async () => {
    const r = await alpha.json('server', 'connect', server.url, '--name', 'alpha');
    expect(r.code, r.stderr).toBe(0);
    const d = r.body.data.daemon;
    expect(d).toMatchObject({ manager: 'none', alreadyRunning: false, pid: expect.any(Number) });
    expect(d.note).toMatch(/no systemd user manager answered/);
    // HAPPIER_HOME is not the default one, so the unit carries a name of its own.
    expect(d.unitPath).toMatch(new RegExp(`^${join(dir.path, 'alpha', 'xdg', 'systemd', 'user')}/happier-daemon-[0-9a-f]{8}\\.service$`));
    const unit = readFileSync(d.unitPath, 'utf8');
    expect(unit).toMatch(/^ExecStart=".*node[^"]*" ".*bin\/happier" "server" "daemon" "run"$/m);
    expect(unit).toContain(`Environment="HAPPIER_HOME=${alpha.home}"`);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^WantedBy=default.target$/m);
    const status = await alpha.json('server', 'daemon', 'status');
    expect(status.code).toBe(0);
    expect(status.body.data).toMatchObject({ running: true, pid: d.pid, url: server.url });
  });

  it('a second start is a no-op that says so; the pid file is 0600 and no secret is on the argv', async () => {
    const pid = await daemonPid(alpha);
    const again = await alpha.run('server', 'daemon', 'start');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`the daemon already runs (pid ${pid})\n`);
    expect(statSync(join(alpha.home, 'daemon.pid')).mode & 0o777).toBe(0o600);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const reg = openRegistry(alpha.home);
    const token = reg.db.prepare('SELECT machine_token FROM server_connection').pluck().get() as string;
    reg.close();
    const key = readFileSync(join(alpha.home, 'account.key'), 'utf8').trim();
    expect(argv.slice(-3)).toEqual(['server', 'daemon', 'run']);
    expect(argv.join(' ')).not.toContain(token);
    expect(argv.join(' ')).not.toContain(key);
  });

  it('beta joins; both are online without any `server beat`', async () => {
    const link = await alpha.json('server', 'link');
    const joined = await beta.json('server', 'connect', server.url, '--link', link.body.data.code, '--name', 'beta');
    expect(joined.code, joined.stderr).toBe(0);
    betaId = joined.body.data.machineId;
    // Longer than the offline window: only the daemons' heartbeats keep them online.
    await sleep(3500);
    expect(await onlineOf('beta')).toBe(true);
    const list = await alpha.json('machine', 'list');
    expect(list.code, list.stderr).toBe(0);
  });
});

describe('a send relayed from alpha to a session beta owns (no ssh between them)', () => {
  it('delivers through beta\'s daemon into the running pane', async () => {
    const r = await beta.json('new', '--detached', '--cwd', project);
    expect(r.code, r.stderr).toBe(0);
    sessionId = r.body.data.session.id;
    const sendId = randomUUID();
    const result = await withAlpha((sync) => sendViaRelay(sync, betaId, request(sendId, 'relayed hello')));
    expect(result).toMatchObject({ sendId, sessionId, delivery: 'pasted', machineName: expect.any(String) });
    await sleep(500);
    expect(turns().filter((t) => t === 'relayed hello')).toHaveLength(1);
  });

  it('`happier send` on alpha, which has no ssh to beta, goes through the relay; a CLI killed mid-wait and run again delivers once', async () => {
    const r = await alpha.json('send', sessionId.slice(0, 8), 'typed on alpha', '--wait', '--timeout', '20');
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data).toMatchObject({ sessionId, delivery: 'pasted' });
    expect(r.body.data.reply.text).toBe('Fake reply 2 to: typed on alpha');
    const sendId = randomUUID();
    const cut = spawn(process.execPath, [HAPPIER_BIN, 'send', sessionId, 'killed and retried', '--send-id', sendId, '--wait'], { env: { PATH: process.env.PATH, ...alpha.env }, stdio: 'ignore' });
    await sleep(400);
    cut.kill('SIGKILL');
    const again = await alpha.json('send', sessionId, 'killed and retried', '--send-id', sendId, '--wait', '--timeout', '20');
    expect(again.code, again.stderr).toBe(0);
    expect(again.body.data.reply.text).toMatch(/^Fake reply \d+ to: killed and retried$/);
    await sleep(500);
    expect(turns().filter((t) => t === 'killed and retried')).toHaveLength(1);
  });

  it('beta\'s daemon published the new session with its input state, without any `server sync`', async () => {
    const { records } = await withAlpha((sync) => sync.records());
    expect(records.find((r) => r.session.id === sessionId)).toMatchObject({ ownerMachineId: betaId, ownerInput: { state: 'enabled', reason: 'running' } });
  });

  it('a first attempt cut mid-wait and retried with the same send id delivers once', async () => {
    const sendId = randomUUID();
    // The cut: the sender posts, then gives up at once (its process gone, from the server's view).
    await withAlpha((sync) =>
      sync.http.post('/v1/relay', { sendId, targetMachineId: betaId, payload: sealRequest(sync.accountKey, request(sendId, 'cut and retried'), sync.machineId, betaId), ttlSec: 30 }),
    );
    const retried = await withAlpha((sync) => sendViaRelay(sync, betaId, request(sendId, 'cut and retried')));
    expect(['pasted', 'duplicate']).toContain(retried.delivery);
    const again = await withAlpha((sync) => sendViaRelay(sync, betaId, request(sendId, 'cut and retried')));
    // It joined a delivered send: nothing went in again, and it says so.
    expect(again).toMatchObject({ sendId, delivery: 'duplicate' });
    await sleep(500);
    expect(turns().filter((t) => t === 'cut and retried')).toHaveLength(1);
  });

  it('a pairing code of a beta session claimed on alpha is acknowledged in beta\'s daemon log', async () => {
    const issued = await beta.json('pair', 'issue', sessionId);
    expect(issued.code, issued.stderr).toBe(0);
    // The claim itself, without the ssh -t that `pair claim` would run next (alpha has no route to beta).
    const ticket = await withAlpha((sync) => claimPairing(sync, issued.body.data.code));
    expect(ticket.session.id).toBe(sessionId);
    await sleep(1000);
    expect(readFileSync(join(beta.home, 'logs', 'daemon.log'), 'utf8')).toMatch(new RegExp(`session ${sessionId} is now viewed from machine [0-9a-f-]{36}`));
  });

  it('beta\'s errors come back with their code (an unknown session is NOT_FOUND)', async () => {
    const err = await withAlpha((sync) => sendViaRelay(sync, betaId, { ...request(randomUUID(), 'x'), session: 'ffffffff-no-such' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HappierError);
    expect((err as HappierError).code).toBe('NOT_FOUND');
  });
});

describe('the daemon after a crash or reboot, and disconnect', () => {
  it('status exits 1 once the daemon is killed; started again as the unit would, beta is online again', async () => {
    const pid = (await daemonPid(beta))!;
    process.kill(pid, 'SIGKILL');
    await sleep(300);
    const down = await beta.json('server', 'daemon', 'status');
    expect(down.code).toBe(1);
    expect(down.body.data.running).toBe(false);
    await sleep(3000);
    expect(await onlineOf('beta')).toBe(false);
    // What a login script runs (server-daemon-reboot.test.ts boots from the unit itself); the stale pid file does not stop it.
    const started = await beta.run('server', 'daemon', 'start');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^started the daemon \(pid \d+\)$/m);
    await sleep(1500);
    expect(await onlineOf('beta')).toBe(true);
  });

  it('a send to an offline owner is MACHINE_OFFLINE with the last time it was seen', async () => {
    await beta.run('server', 'daemon', 'stop');
    await sleep(3000);
    const err = await withAlpha((sync) => sendViaRelay(sync, betaId, request(randomUUID(), 'never'))).catch((e: unknown) => e);
    expect((err as HappierError).code).toBe('MACHINE_OFFLINE');
    expect((err as HappierError).details.lastSeenAt).toEqual(expect.any(String));
    expect(turns()).not.toContain('never');
  });

  it('disconnect stops the daemon and removes its unit', async () => {
    const unitPath = readUnitPath(alpha);
    const r = await alpha.json('server', 'disconnect');
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data.daemon.stoppedPid).toEqual(expect.any(Number));
    expect(existsSync(unitPath)).toBe(false);
    const status = await alpha.run('server', 'daemon', 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toBe('not running\n');
  });
});

function readUnitPath(c: typeof alpha): string {
  const d = join(c.env.XDG_CONFIG_HOME!, 'systemd', 'user');
  return join(d, readdirSync(d).find((f) => f.startsWith('happier-daemon'))!);
}
