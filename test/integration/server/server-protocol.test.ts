import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseCode } from '../../../src/domain/short-code.js';
import { deriveCodeKeys, proofVerifier } from '../../../src/server/code-keys.js';
import { startSyncServer, type SyncServer } from '../../../src/server/sync-server.js';
import { makeClient } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('happier-server-');
let server: SyncServer;
let token = '';

async function call(method: string, path: string, body?: unknown, auth = token) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${auth}` } : {}) },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

beforeAll(async () => {
  server = await startSyncServer({
    dataDir: join(dir.path, 'data'),
    host: '127.0.0.1',
    port: 0,
    version: '9.9.9',
    ipLimit: { burst: 8, perMinute: 1 },
  });
  const r = await call('POST', '/v1/accounts', { machineId: 'm-one', name: 'one' }, '');
  token = r.body.token;
});
afterAll(async () => {
  await server.close();
  dir.cleanup();
});

describe('the sync server protocol', () => {
  it('answers /health with its version and uptime', async () => {
    const r = await call('GET', '/health', undefined, '');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, version: '9.9.9', uptimeSec: expect.any(Number), memory: { rss: expect.any(Number) } });
  });

  it('keeps only a hash of each machine token', () => {
    const db = new Database(join(dir.path, 'data', 'server.db'), { readonly: true });
    const row = db.prepare('SELECT token_hash FROM machines').get() as { token_hash: string };
    db.close();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(token);
  });

  it('refuses a missing or unknown token with NOT_CONNECTED, on HTTP and on the WebSocket', async () => {
    expect((await call('GET', '/v1/presence', undefined, '')).body.error.code).toBe('NOT_CONNECTED');
    expect((await call('GET', '/v1/presence', undefined, 'nope')).status).toBe(401);
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/v1/ws', { headers: { Authorization: 'Bearer nope' } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('error', () => resolve(-1)));
    expect(status).toBe(401);
  });

  it('bounds request bodies and names the invalid field', async () => {
    const big = await call('POST', '/v1/pairings', JSON.stringify({ payload: 'A'.repeat(100_000) }));
    expect(big.status).toBe(413);
    const bad = await call('POST', '/v1/sessions/s-1/owner', { expectedEpoch: -1, newOwnerMachineId: 'm-one', ciphertext: 'AA' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'USAGE', message: expect.stringContaining('expectedEpoch') });
    const notJson = await call('POST', '/v1/heartbeat', '{nope');
    expect(notJson.status).toBe(400);
    const spoofed = await call('POST', '/v1/sessions', { records: [{ sessionId: 's-1', ownerMachineId: 'someone-else', ownerEpoch: 0, updatedAt: new Date().toISOString(), ciphertext: 'AAAA' }] });
    expect(spoofed.body.results[0].status).toBe('stale');
  });

  it('burns a code after repeated wrong proofs, so even the right one then fails', async () => {
    const keys = await deriveCodeKeys('pair', parseCode('ABCD-EFGH-JKMN', 3));
    const issued = await call('POST', '/v1/pairings', { lookupHash: keys.lookupHash, verifier: proofVerifier(keys.proof), payload: 'AAAA', ttlSec: 60 });
    expect(issued.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await call('POST', '/v1/pairings/claim', { lookupHash: keys.lookupHash, proof: `wrong${i}` })).body.error.code).toBe('NOT_FOUND');
    }
    const right = await call('POST', '/v1/pairings/claim', { lookupHash: keys.lookupHash, proof: keys.proof });
    expect(right.body.error.code).toBe('PAIRING_REVOKED');
  });

  it('limits attempts per address too, with RATE_LIMITED and a Retry-After header', async () => {
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 10; i++) {
      last = await call('POST', '/v1/links/claim', { lookupHash: 'a'.repeat(64), proof: 'x', machineId: 'm-x', name: 'x' }, '');
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect(last!.body.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSec: expect.any(Number) });
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, refuses new ones, closes sockets with 1001 and keeps the data', async () => {
    const dataDir = join(dir.path, 'data3');
    const own = await startSyncServer({ dataDir, host: '127.0.0.1', port: 0, version: '1' });
    const acct = await (await fetch(own.url + '/v1/accounts', { method: 'POST', body: JSON.stringify({ machineId: 'm-slow', name: 'slow' }) })).json() as { token: string };
    const ws = new WebSocket(own.url.replace('http', 'ws') + '/v1/ws', { headers: { Authorization: `Bearer ${acct.token}` } });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.on('open', resolve));

    const body = JSON.stringify({ name: 'slow-renamed' });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(own.url + '/v1/heartbeat', {
        method: 'POST',
        headers: { Authorization: `Bearer ${acct.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const shutdown = own.close();
    expect(await closed).toBe(1001);
    await expect(fetch(own.url + '/health')).rejects.toThrow();
    expect((await answered).status).toBe(200);
    await shutdown;

    const again = await startSyncServer({ dataDir, host: '127.0.0.1', port: 0, version: '1' });
    try {
      const presence = await (await fetch(again.url + '/v1/presence', { headers: { Authorization: `Bearer ${acct.token}` } })).json() as { machines: { name: string }[] };
      expect(presence.machines.map((m) => m.name)).toEqual(['slow-renamed']);
    } finally {
      await again.close();
    }
  });
});

describe('happier server beat', () => {
  it('stops with NOT_CONNECTED once the server no longer knows the machine', async () => {
    const own = await startSyncServer({ dataDir: join(dir.path, 'data4'), host: '127.0.0.1', port: 0, version: '1' });
    try {
      const c = makeClient(dir.path, 'dropped');
      expect((await c.json('server', 'connect', own.url)).code).toBe(0);
      const reg = (await import('../../../src/store/registry.js')).openRegistry(c.home);
      const saved = reg.db.prepare('SELECT machine_token FROM server_connection').pluck().get() as string;
      reg.close();
      // Dropped behind its back, as another machine's admin or a server reset would.
      expect((await fetch(own.url + '/v1/machines/self', { method: 'DELETE', headers: { Authorization: `Bearer ${saved}` } })).status).toBe(200);
      const r = await c.run('server', 'beat', '--interval-ms', '100');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error: this machine is not connected to a sync server');
    } finally {
      await own.close();
    }
  });
});

describe('happier server disconnect', () => {
  it('forgets the token and the key here, and the server stops accepting the token', async () => {
    const own = await startSyncServer({ dataDir: join(dir.path, 'data2'), host: '127.0.0.1', port: 0, version: '1' });
    try {
      const c = makeClient(dir.path, 'leaver');
      expect((await c.json('server', 'connect', own.url)).code).toBe(0);
      const Registry = (await import('../../../src/store/registry.js')).openRegistry(c.home);
      const saved = Registry.db.prepare('SELECT machine_token FROM server_connection').pluck().get() as string;
      Registry.close();
      const r = await c.json('server', 'disconnect');
      expect(r.body.data).toMatchObject({ url: own.url, serverNotified: true });
      expect(existsSync(join(c.home, 'account.key'))).toBe(false);
      expect((await c.json('server', 'status')).body.data).toEqual({ connected: false });
      const res = await fetch(own.url + '/v1/presence', { headers: { Authorization: `Bearer ${saved}` } });
      expect(res.status).toBe(401);
    } finally {
      await own.close();
    }
  });
});
