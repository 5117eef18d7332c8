import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncClient } from '../../../src/server/client/sync-client.js';
import { openRegistry, type Registry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { makeSession } from '../../helpers/session-factory.js';
import { makeClient, startServer, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { rejectionOf } from '../../helpers/happier-error.js';

const dir = tempDir('happier-server-');
let server: RunningServer;
const desk = makeClient(dir.path, 'desk');
const laptop = makeClient(dir.path, 'laptop');
const ids = { handed: '', stale: '', paired: '' };
let deskId = '';
let laptopId = '';

/** In-process client for a machine, as the handoff coordinator uses it. */
function clientOf(home: string): { client: SyncClient; reg: Registry; close: () => void } {
  const reg = openRegistry(home);
  return { client: SyncClient.open(reg, {}), reg, close: () => reg.close() };
}

beforeAll(async () => {
  // Claims are cheap to guess on loopback unless limited; a tight limit per machine, a loose one per address.
  server = await startServer(join(dir.path, 'data'), { HAPPIER_SERVER_CLAIM_LIMIT: '8/1', HAPPIER_SERVER_IP_LIMIT: '500/500' });
  expect((await desk.json('server', 'connect', server.url, '--name', 'desk', '--ssh-target', 'dev@desk.local')).code).toBe(0);
  const code = (await desk.json('server', 'link')).body.data.code;
  expect((await laptop.json('server', 'connect', server.url, '--link', code, '--name', 'laptop')).code).toBe(0);
  const reg = openRegistry(desk.home);
  deskId = reg.machineId;
  const repo = new SessionsRepo(reg);
  for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
    const s = makeSession({ ownerMachineId: deskId, title: `session ${key}` });
    ids[key] = s.id;
    repo.insert(s);
  }
  reg.close();
  const r = openRegistry(laptop.home);
  laptopId = r.machineId;
  r.close();
  expect((await desk.json('server', 'sync')).body.data.published).toBe(3);
});
afterAll(async () => {
  await server.stop();
  dir.cleanup();
});

describe('fenced ownership', () => {
  it('a handoff commits by compare-and-swap on the epoch; a second commit at the old epoch is refused', async () => {
    const d = clientOf(desk.home);
    try {
      const moved = await d.client.casOwner(ids.handed, 0, laptopId);
      expect(moved).toMatchObject({ sessionId: ids.handed, ownerMachineId: laptopId, ownerEpoch: 1 });
      expect(new SessionsRepo(d.reg).get(ids.handed)).toMatchObject({ ownerMachineId: laptopId, ownerEpoch: 1 });

      const stale = await rejectionOf(d.client.casOwner(ids.handed, 0, deskId));
      expect(stale.code).toBe('CONFLICT');
      expect(stale.details).toMatchObject({ currentOwnerMachineId: laptopId, currentEpoch: 1 });
    } finally {
      d.close();
    }
    const l = clientOf(laptop.home);
    try {
      // The new owner sees the record, sealed for its new owner and epoch.
      const { records } = await l.client.records();
      expect(records.find((r) => r.session.id === ids.handed)).toMatchObject({ ownerMachineId: laptopId, ownerEpoch: 1, session: { title: 'session handed' } });
    } finally {
      l.close();
    }
  });

  it('a machine holding a stale epoch learns it lost the session and refuses to act as its owner', async () => {
    const l = clientOf(laptop.home);
    try {
      // The laptop takes the session while the desk is not looking (the desk keeps epoch 0).
      expect(await l.client.casOwner(ids.stale, 0, laptopId)).toMatchObject({ ownerEpoch: 1 });
    } finally {
      l.close();
    }
    const d = clientOf(desk.home);
    try {
      expect(new SessionsRepo(d.reg).get(ids.stale)).toMatchObject({ ownerMachineId: deskId, ownerEpoch: 0 });
      const refused = await rejectionOf(d.client.assertStillOwner(ids.stale, 0));
      expect(refused.code).toBe('NOT_OWNER');
      expect(refused.details).toMatchObject({ ownerMachineId: laptopId, ownerEpoch: 1 });
      expect(new SessionsRepo(d.reg).get(ids.stale)).toMatchObject({ ownerMachineId: laptopId, ownerEpoch: 1 });
      expect(await d.client.assertStillOwner(ids.paired, 0)).toEqual({ checked: true, verdict: 'still-owner' });
    } finally {
      d.close();
    }
  });

  it('the coordinator\'s commit is fenced with a server, and reports unfenced without one', async () => {
    const { commitOwnership, presenceOf } = await import('../../../src/server/client/ownership-commit.js');
    const s = makeSession({ ownerMachineId: deskId, title: 'coordinated' });
    const d = clientOf(desk.home);
    try {
      new SessionsRepo(d.reg).insert(s);
      // Never published: the commit seeds the record at the expected epoch, then swaps.
      expect(await commitOwnership(d.reg, {}, s.id, 0, laptopId)).toMatchObject({ fenced: true, ownerMachineId: laptopId, ownerEpoch: 1 });
      expect((await rejectionOf(commitOwnership(d.reg, {}, s.id, 0, laptopId))).code).toBe('CONFLICT');
      expect(await presenceOf(d.reg, {}, laptopId)).toMatch(/^(online|offline)$/);
      expect(await presenceOf(d.reg, {}, 'no-such-machine')).toBe('unknown');
    } finally {
      d.close();
    }
    const loner = openRegistry(join(dir.path, 'loner-home'));
    try {
      expect(await commitOwnership(loner, {}, s.id, 0, laptopId)).toEqual({ fenced: false, reason: 'not-connected' });
    } finally {
      loner.close();
    }
  });

  it('a handoff target that registered epoch + 1 before the commit is not told it lost the session', async () => {
    const s = makeSession({ ownerMachineId: deskId, title: 'in flight' });
    let reg = openRegistry(desk.home);
    new SessionsRepo(reg).insert(s);
    reg.close();
    await desk.json('server', 'sync');
    reg = openRegistry(laptop.home);
    new SessionsRepo(reg).insert({ ...s, ownerMachineId: laptopId, ownerEpoch: 1 });
    reg.close();
    expect((await laptop.json('server', 'sync')).body.data.lost).toEqual([]);
    const d = clientOf(desk.home);
    try {
      await d.client.casOwner(s.id, 0, laptopId);
    } finally {
      d.close();
    }
    const after = await laptop.json('server', 'sync');
    expect(after.body.data.lost).toEqual([]);
    expect((await laptop.json('session', 'show', s.id)).body.data.session).toMatchObject({ ownerMachineId: laptopId, ownerEpoch: 1 });
  });

  it('`happier resume` on the machine that lost the session refuses it with NOT_OWNER', async () => {
    const s = makeSession({ ownerMachineId: deskId, title: 'taken while asleep' });
    const reg = openRegistry(desk.home);
    new SessionsRepo(reg).insert(s);
    reg.close();
    await desk.json('server', 'sync');
    const l = clientOf(laptop.home);
    try {
      await l.client.casOwner(s.id, 0, laptopId);
    } finally {
      l.close();
    }
    const r = await desk.json('resume', s.id);
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'NOT_OWNER', ownerMachineId: laptopId, ownerEpoch: 1 });
  });

  it('`server sync` on a stale machine records the new owner instead of publishing over it', async () => {
    const l = clientOf(laptop.home);
    try {
      await l.client.casOwner(ids.paired, 0, laptopId);
      await l.client.casOwner(ids.paired, 1, deskId);
      await l.client.casOwner(ids.paired, 2, laptopId);
    } finally {
      l.close();
    }
    const r = await desk.json('server', 'sync');
    expect(r.body.data.lost).toEqual([{ sessionId: ids.paired, ownerMachineId: laptopId, ownerEpoch: 3 }]);
    const shown = await desk.json('session', 'show', ids.paired);
    expect(shown.body.data.session).toMatchObject({ ownerMachineId: laptopId, ownerEpoch: 3 });
  });
});

describe('a server that tampers with records', () => {
  it('cannot swap ciphertexts between sessions: machines refuse to open them', async () => {
    const db = new Database(join(dir.path, 'data', 'server.db'));
    const get = db.prepare('SELECT ciphertext FROM session_records WHERE session_id = ?').pluck();
    const [a, b] = [get.get(ids.handed) as string, get.get(ids.stale) as string];
    const put = db.prepare('UPDATE session_records SET ciphertext = ? WHERE session_id = ?');
    put.run(b, ids.handed);
    put.run(a, ids.stale);
    db.close();
    const r = await laptop.json('server', 'sync');
    expect(r.body.data.unreadable).toBe(2);
    const l = clientOf(laptop.home);
    try {
      const { records } = await l.client.records();
      expect(records.map((x) => x.session.id)).not.toContain(ids.handed);
      expect(records.map((x) => x.session.id)).not.toContain(ids.stale);
    } finally {
      l.close();
    }
  });
});

describe('pairing codes', () => {
  it('issue prints a short code and its expiry; claiming elsewhere routes through ssh -t to the owner', async () => {
    const own = makeSession({ ownerMachineId: deskId, title: 'pair me' });
    const reg = openRegistry(desk.home);
    new SessionsRepo(reg).insert(own);
    reg.close();
    const text = await desk.run('pair', 'issue', own.id.slice(0, 8));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\n$/);
    expect(text.stderr).toMatch(/expires in (2m|1m 5\ds)/);

    const claimed = await laptop.json('pair', 'claim', text.stdout.trim().toLowerCase());
    expect(claimed.code).toBe(0);
    expect(claimed.body.data).toMatchObject({
      session: { id: own.id, title: 'pair me' },
      source: { machineId: deskId, name: expect.any(String) },
      plan: { kind: 'ssh', target: 'dev@desk.local', argv: ['ssh', '-t', 'dev@desk.local', 'happier', 'attach', own.id] },
    });

    // --json only shows the plan, so the code is still there to look at and to claim.
    const again = await laptop.json('pair', 'claim', text.stdout.trim());
    expect(again.code).toBe(0);
    expect(again.body.data.plan).toEqual(claimed.body.data.plan);
    const l = clientOf(laptop.home);
    try {
      const { claimPairing } = await import('../../../src/pairing/pairing-service.js');
      expect((await claimPairing(l.client, text.stdout.trim())).session.id).toBe(own.id);
    } finally {
      l.close();
    }
    const twice = await laptop.json('pair', 'claim', text.stdout.trim());
    expect(twice.code).toBe(1);
    expect(twice.body.error).toMatchObject({ code: 'PAIRING_CLAIMED', hint: 'codes are single-use; `happier pair issue <id>` on the issuing device makes another' });
  });

  it('claimed on the owning device, it attaches there', async () => {
    const own = makeSession({ ownerMachineId: deskId, title: 'mine' });
    const reg = openRegistry(desk.home);
    new SessionsRepo(reg).insert(own);
    reg.close();
    const code = (await desk.json('pair', 'issue', own.id)).body.data.code;
    const printed = await desk.run('pair', 'claim', code, '--print');
    expect(printed.stdout).toBe(`happier attach ${own.id}\n`);
  });

  it('expires after a short TTL, and a revoked code cannot be claimed', async () => {
    const issued = await desk.json('pair', 'issue', ids.handed, '--ttl', '1');
    expect(issued.body.data.ttlSec).toBe(1);
    await new Promise((r) => setTimeout(r, 1200));
    const late = await laptop.json('pair', 'claim', issued.body.data.code);
    expect(late.body.error).toMatchObject({ code: 'PAIRING_EXPIRED', hint: 'it lived its few minutes; `happier pair issue <id>` on the issuing device makes a new one' });

    const code = (await desk.json('pair', 'issue', ids.handed)).body.data.code;
    expect((await desk.json('pair', 'revoke', code)).body.data.status).toBe('revoked');
    const revoked = await laptop.run('pair', 'claim', code);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('error: this code was revoked');
    expect(revoked.stderr).toContain('hint: the issuer cancelled it; `happier pair issue <id>` on the issuing device makes a new one');

    const list = await desk.json('pair', 'list');
    const statuses = list.body.data.pairings.map((p: { status: string }) => p.status);
    // The code only printed on the owning device is still issued.
    expect(new Set(statuses)).toEqual(new Set(['claimed', 'expired', 'revoked', 'issued']));
    expect(list.body.data.pairings[0]).toMatchObject({ status: 'revoked', sessionId: ids.handed, lookup: code.slice(0, 4) });
    const table = await desk.run('pair', 'list');
    expect(table.stdout).toMatch(/^CODE\s+STATUS\s+ISSUED\s+EXPIRES\s+SESSION\s+TITLE/);
  });

  it('guessing codes is stopped by the rate limit with RATE_LIMITED and a retry-after', async () => {
    const l = clientOf(laptop.home);
    const seen: string[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const { claimPairing } = await import('../../../src/pairing/pairing-service.js');
        const err = await rejectionOf(claimPairing(l.client, `Z${String(i).padStart(3, '0')}-0000-0000`));
        seen.push(err.code);
        if (err.code === 'RATE_LIMITED') {
          expect(err.details.retryAfterSec).toBeGreaterThan(0);
          break;
        }
      }
    } finally {
      l.close();
    }
    expect(seen.at(-1)).toBe('RATE_LIMITED');
    expect(seen.slice(0, -1).every((c) => c === 'NOT_FOUND')).toBe(true);
    const cli = await laptop.json('pair', 'claim', 'ABCD-EFGH-JKMN');
    expect(cli.body.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSec: expect.any(Number) });
    expect(cli.body.error.hint).toBe(`wait ${cli.body.error.retryAfterSec} seconds before trying again`);
  });
});
