import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStillOwner } from '../../../src/server/client/quick-checks.js';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { makeClient, startServer, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('happier-server-');
const dataDir = join(dir.path, 'server-data');
const serverEnv = { HAPPIER_SERVER_OFFLINE_MS: '2500' };
let server: RunningServer;
const alpha = makeClient(dir.path, 'alpha');
const beta = makeClient(dir.path, 'beta');
const SECRET_TITLE = 'zebra-migration-plan';
const SECRET_CWD = '/home/dev/quokka-repo';
const SECRET_VENDOR = '0b7c8f7e-aaaa-4bbb-8ccc-feedfacecafe';
let sessionId = '';

beforeAll(async () => {
  server = await startServer(dataDir, serverEnv);
});
afterAll(async () => {
  if (server.proc.exitCode === null) await server.stop();
  dir.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('joining an account', () => {
  it('the first machine creates the account and keeps the key to itself (0600 in a 0700 home)', async () => {
    const r = await alpha.json('server', 'connect', server.url, '--name', 'alpha', '--ssh-target', 'dev@alpha');
    expect(r.code).toBe(0);
    expect(r.body.data).toMatchObject({ url: server.url, createdAccount: true });
    expect(statSync(join(alpha.home, 'account.key')).mode & 0o777).toBe(0o600);
    expect(statSync(alpha.home).mode & 0o777).toBe(0o700);
  });

  it('a second machine joins with a link code and ends up with the same key; the code is single-use', async () => {
    const link = await alpha.json('server', 'link');
    expect(link.body.data.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    const joined = await beta.json('server', 'connect', server.url, '--link', link.body.data.code.toLowerCase(), '--name', 'beta');
    expect(joined.code).toBe(0);
    expect(joined.body.data).toMatchObject({ createdAccount: false });
    expect(readFileSync(join(beta.home, 'account.key'), 'utf8')).toBe(readFileSync(join(alpha.home, 'account.key'), 'utf8'));

    const gamma = makeClient(dir.path, 'gamma');
    const again = await gamma.json('server', 'connect', server.url, '--link', link.body.data.code);
    expect(again.code).toBe(1);
    expect(again.body.error.code).toBe('PAIRING_CLAIMED');
  });

  it('status shows both machines of the account', async () => {
    const r = await beta.json('server', 'status');
    expect(r.code).toBe(0);
    expect(r.body.data).toMatchObject({ connected: true, reachable: true, serverVersion: expect.any(String) });
    expect(r.body.data.machines.map((m: { name: string }) => m.name).sort()).toEqual(['alpha', 'beta']);
    const text = await beta.run('server', 'status');
    // The asking machine's own request counts as a heartbeat; alpha may already be quiet for 2.5 s on a busy box.
    expect(text.stdout).toMatch(/^MACHINE\s+STATE\s+LAST SEEN\s+SSH\s+ID$/m);
    expect(text.stdout).toMatch(/beta \(this\)\s+online/);
    expect(text.stdout).toMatch(/alpha\s+(online|offline)\s.*dev@alpha/);
  });
});

describe('machine list with a server', () => {
  it('adds a PRESENCE column and a presence field from the server', async () => {
    const r = await beta.json('machine', 'list');
    expect(r.body.data.machines[0]).toMatchObject({ self: true, presence: 'online' });
    const text = await beta.run('machine', 'list');
    expect(text.stdout.split('\n')[0]).toMatch(/PRESENCE$/);
  });
});

describe('presence', () => {
  it('a machine sending heartbeats is online, and goes offline once they stop', async () => {
    const beat = spawn(process.execPath, [HAPPIER_BIN, 'server', 'beat', '--interval-ms', '200'], {
      env: { PATH: process.env.PATH, ...alpha.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => beat.on('exit', (c) => r(c)));
    await new Promise<void>((resolve) => beat.stdout.on('data', (d: Buffer) => String(d).includes('online as') && resolve()));
    await sleep(1000);
    const online = await beta.json('server', 'status');
    expect(online.body.data.machines.find((m: { name: string }) => m.name === 'alpha').online).toBe(true);

    beat.kill('SIGTERM');
    expect(await exited).toBe(0);
    await sleep(2700);
    const offline = await beta.json('server', 'status');
    expect(offline.body.data.machines.find((m: { name: string }) => m.name === 'alpha').online).toBe(false);
  });
});

describe('the shared, encrypted view of sessions', () => {
  it('publishes sessions that the server stores only as ciphertext plus routing fields', async () => {
    const reg = openRegistry(alpha.home);
    const s = makeSession({ title: SECRET_TITLE, cwd: SECRET_CWD, vendorSessionId: SECRET_VENDOR, ownerMachineId: reg.machineId });
    sessionId = s.id;
    new SessionsRepo(reg).insert(s);
    reg.close();
    const r = await alpha.json('server', 'sync');
    expect(r.body.data).toMatchObject({ published: 1, lost: [] });

    // Every byte the server wrote: the database and its write-ahead log.
    const files = readdirSync(join(dataDir)).filter((f) => f.startsWith('server.db'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dataDir, f)))).toString('latin1');
    for (const secret of [SECRET_TITLE, SECRET_CWD, 'quokka', SECRET_VENDOR]) expect(bytes).not.toContain(secret);
    const db = new Database(join(dataDir, 'server.db'), { readonly: true });
    const row = db.prepare('SELECT * FROM session_records WHERE session_id = ?').get(sessionId) as Record<string, unknown>;
    db.close();
    expect(Object.keys(row).sort()).toEqual(['account_id', 'ciphertext', 'owner_epoch', 'owner_machine_id', 'session_id', 'updated_at']);
    expect(JSON.stringify(row)).not.toContain(SECRET_TITLE);
  });

  it('another machine of the account sees it in `session list --everywhere` with a MACHINE column', async () => {
    const table = await beta.run('session', 'list', '--everywhere');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+AGENT\s+UPDATED\s+MACHINE\s+ACTIVE\s+RESUME\s+TITLE\s+PATH$/);
    expect(table.stdout).toMatch(/alpha\s.*zebra-migration-plan/);
    const local = await beta.json('session', 'list');
    expect(local.body.data.sessions).toEqual([]);
    const everywhere = await beta.json('session', 'list', '--everywhere');
    expect(everywhere.body.data.sessions[0]).toMatchObject({ id: sessionId, title: SECRET_TITLE, ownerMachineName: 'alpha', ownerEpoch: 0 });
  });
});

describe('restarts and outages', () => {
  it('a restarted server keeps accounts, machines and records; SIGTERM closes sockets and exits 0', async () => {
    const port = server.port;
    const beat = spawn(process.execPath, [HAPPIER_BIN, 'server', 'beat', '--interval-ms', '200'], {
      env: { PATH: process.env.PATH, ...beta.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let beatErr = '';
    beat.stderr.on('data', (d: Buffer) => (beatErr += String(d)));
    await new Promise<void>((resolve) => beat.stdout.on('data', (d: Buffer) => String(d).includes('online as') && resolve()));
    expect(await server.stop('SIGTERM')).toBe(0);
    await sleep(200);
    expect(beatErr).toContain('connection closed (1001)');
    beat.kill('SIGTERM');

    server = await startServer(dataDir, serverEnv, port);
    const r = await beta.json('session', 'list', '--everywhere');
    expect(r.body.data.sessions.map((s: { id: string }) => s.id)).toEqual([sessionId]);
    expect((await alpha.json('server', 'status')).body.data.machines).toHaveLength(2);
  });

  it('with the server down, local commands stay fast and server commands fail clearly', async () => {
    expect(await server.stop('SIGINT')).toBe(0);
    const t0 = Date.now();
    const list = await alpha.json('session', 'list');
    expect(list.code).toBe(0);
    expect(list.body.data.sessions).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(2_000);

    const sync = await alpha.run('server', 'sync');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/^error: the sync server at http:\/\/127\.0\.0\.1:\d+ is not reachable/m);
    expect(sync.stderr).toMatch(/^hint: /m);
    const pair = await alpha.json('pair', 'issue', sessionId);
    expect(pair.body.error.code).toBe('SERVER_UNAVAILABLE');
    const everywhere = await alpha.json('session', 'list', '--everywhere');
    expect(everywhere.code).toBe(0);
    expect(everywhere.body.data).toMatchObject({ server: { reachable: false } });
    // Issue 15: status exited 0 with the server down, so `server status && …` went ahead.
    const status = await alpha.json('server', 'status');
    expect(status.code).toBe(1);
    expect(status.body.data).toMatchObject({ connected: true, reachable: false, error: { code: 'SERVER_UNAVAILABLE' } });
    const text = await alpha.run('server', 'status');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^server {3}http:\/\/127\.0\.0\.1:\d+ \(unreachable: SERVER_UNAVAILABLE\)$/m);
    expect(text.stderr).toMatch(/^hint: /m);
  });

  it('a server that accepts but never answers does not hold up the ownership check', async () => {
    const hung: Server = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    const port = (hung.address() as { port: number }).port;
    const reg = openRegistry(alpha.home);
    reg.db.prepare('UPDATE server_connection SET url = ?').run(`http://127.0.0.1:${port}`);
    try {
      const t0 = Date.now();
      expect(await assertStillOwner(reg, {}, sessionId, 0)).toEqual({ checked: false, reason: 'server-unavailable' });
      expect(Date.now() - t0).toBeLessThan(2_500);
    } finally {
      reg.close();
      hung.close();
    }
  });

  it('a machine that never connected gets NOT_CONNECTED with a hint', async () => {
    const loner = makeClient(dir.path, 'loner');
    const r = await loner.json('pair', 'list');
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'NOT_CONNECTED', hint: expect.stringContaining('happier server connect') });
    const status = await loner.json('server', 'status');
    expect(status.body.data).toEqual({ connected: false });
    expect(status.code).toBe(1);
  });
});
