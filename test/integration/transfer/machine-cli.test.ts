import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry } from '../../../src/store/registry.js';
import { clientEnv } from '../../helpers/client-env.js';
import { runHappier } from '../../helpers/run-happier.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';

let peer: SshdPeer;
const tmp = tempDir('happier-machine-');
let env: Record<string, string>;
let silent: Server;

beforeAll(async () => {
  peer = await startSshd();
  env = clientEnv(tmp.path, { HAPPIER_CONNECT_TIMEOUT_MS: '1500' });
  writeFileSync(env.HAPPIER_SSH_CONFIG!, `Host peer-box\n  HostName 127.0.0.1\n  Port ${peer.port}\n  User ${peer.user}\n`);
  // A TCP port that accepts and then says nothing, like a host behind a black hole.
  silent = createServer(() => undefined).listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
});

afterAll(async () => {
  silent?.close();
  await peer?.stop();
  tmp.cleanup();
});

const json = (s: string) => JSON.parse(s) as { ok: boolean; data: any; error: any };

describe('happier machine add/list/ping/rm against a real sshd', () => {
  it('refuses an unknown host key, then adds the machine when the key is accepted explicitly', async () => {
    const refused = await runHappier(['machine', 'add', 'box', 'peer-box', '--identity', peer.clientKey], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: the host key of peer-box .* is not known: SHA256:/);
    expect(refused.stderr).toContain('--accept-new-host-key');

    const added = await runHappier(['machine', 'add', 'box', 'peer-box', '--identity', peer.clientKey, '--accept-new-host-key', '--json'], env);
    expect(added.code).toBe(0);
    const out = json(added.stdout);
    expect(out.data.machine).toMatchObject({ name: 'box', target: 'peer-box', identityFile: peer.clientKey });
    expect(out.data.acceptedHostKeys[0]).toMatch(/^SHA256:/);
    expect(readFileSync(env.HAPPIER_KNOWN_HOSTS!, 'utf8').trim()).toBe(peer.knownHostsLine);

    const again = await runHappier(['machine', 'add', 'box2', 'peer-box', '--identity', peer.clientKey, '--json'], env);
    expect(json(again.stdout).error.code).toBe('CONFLICT');
  });

  it('lists this machine first and checks every peer at once', async () => {
    const reg = openRegistry(env.HAPPIER_HOME!);
    const repo = new MachinesRepo(reg);
    const port = (silent.address() as { port: number }).port;
    for (const name of ['silent-a', 'silent-b']) {
      repo.upsert({ id: `id-${name}`, name, sshTarget: `x@127.0.0.1:${port}`, identityFile: peer.clientKey, isSelf: false, createdAt: new Date().toISOString() });
    }
    reg.close();

    const t0 = Date.now();
    const listed = await runHappier(['machine', 'list', '--json'], env);
    const elapsed = Date.now() - t0;
    expect(listed.code).toBe(0);
    const machines = json(listed.stdout).data.machines as any[];
    expect(machines[0]).toMatchObject({ self: true, status: 'self' });
    const box = machines.find((m) => m.name === 'box');
    expect(box).toMatchObject({ status: 'online', target: 'peer-box', version: expect.any(String), agent: 'bundled' });
    expect(box.latencyMs).toBeGreaterThan(0);
    for (const name of ['silent-a', 'silent-b']) expect(machines.find((m) => m.name === name)).toMatchObject({ status: 'offline', reason: 'timeout' });
    // Two peers that never answer cost one timeout, not two.
    expect(elapsed).toBeLessThan(1500 * 2 + 1500);

    const table = await runHappier(['machine', 'list'], { ...env, COLUMNS: '200' });
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TARGET\s+STATUS\s+LATENCY\s+VERSION\s+PROVIDERS$/);
    expect(lines[1]).toContain('this machine');
    expect(table.stdout).toMatch(/silent-a\s+x@127\.0\.0\.1:\d+\s+offline \(timeout\)/);
    expect(table.stdout).toMatch(/box\s+peer-box\s+online\s+\d+ ms/);
  });

  it('pings a peer, and reports an offline one with the reason', async () => {
    const ok = await runHappier(['machine', 'ping', 'box'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^box: online, \d+ ms, happier \S+ \(bundled agent\), node v\d+/);

    const off = await runHappier(['machine', 'ping', 'silent-a', '--json'], env);
    expect(off.code).toBe(1);
    expect(json(off.stdout).error).toMatchObject({ code: 'MACHINE_OFFLINE', reason: 'timeout', machine: 'silent-a' });
  });

  it('trusts a peer whose host key went missing from known_hosts, only when asked', async () => {
    writeFileSync(env.HAPPIER_KNOWN_HOSTS!, '');
    const refused = await runHappier(['machine', 'ping', 'box', '--json'], env);
    expect(json(refused.stdout).error).toMatchObject({ code: 'HOST_KEY_UNKNOWN', fingerprint: expect.stringMatching(/^SHA256:/) });
    const trusted = await runHappier(['machine', 'trust', 'box'], env);
    expect(trusted.code).toBe(0);
    expect(trusted.stderr).toMatch(/accepted the host key of box: SHA256:/);
    expect(readFileSync(env.HAPPIER_KNOWN_HOSTS!, 'utf8').trim()).toBe(peer.knownHostsLine);
    expect((await runHappier(['machine', 'ping', 'box'], env)).code).toBe(0);
  });

  it('forgets a machine with rm, after which it is unknown', async () => {
    const rm = await runHappier(['machine', 'rm', 'box'], env);
    expect(rm.code).toBe(0);
    const ping = await runHappier(['machine', 'ping', 'box', '--json'], env);
    expect(ping.code).toBe(1);
    expect(json(ping.stdout).error.code).toBe('MACHINE_UNKNOWN');
  });
});
