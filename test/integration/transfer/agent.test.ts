import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFile, putFile } from '../../../src/transfer/agent/agent-files.js';
import { localAgentBundle, uploadAgentBundle } from '../../../src/transfer/agent/agent-launch.js';
import { PeerConnector } from '../../../src/transfer/peer-connector.js';
import type { SshEnv } from '../../../src/transfer/ssh/ssh-connection.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { fastTempDir } from '../../helpers/fast-temp.js';
import { rejectionOf } from '../../helpers/happier-error.js';

const VERSION = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version as string;
let peer: SshdPeer;
const tmp = { path: fastTempDir('happier-agent-'), cleanup: () => rmSync(tmp.path, { recursive: true, force: true }) };
let sshEnv: SshEnv;

function connector(): PeerConnector {
  return new PeerConnector(sshEnv, { version: VERSION, machineId: 'local-machine', env: {} });
}

function address(p: SshdPeer) {
  return { name: 'peer', sshTarget: `${p.user}@127.0.0.1:${p.port}`, identityFile: p.clientKey };
}

beforeAll(async () => {
  peer = await startSshd();
  const kh = join(tmp.path, 'known_hosts');
  writeFileSync(kh, peer.knownHostsLine + '\n');
  sshEnv = { env: { HAPPIER_KNOWN_HOSTS: kh, HAPPIER_SSH_CONFIG: join(tmp.path, 'none') }, homeDir: tmp.path, localUser: 'me' };
});

afterAll(async () => {
  await peer?.stop();
  tmp.cleanup();
});

describe('the remote agent over a real sshd', () => {
  it('uploads the bundled agent to a peer without happier, checks its hash, and reuses it', async () => {
    const bundle = localAgentBundle({});
    const landed = join(peer.home, '.happier', 'agent', VERSION, 'happier-agent.mjs');
    const peers = connector();
    const first = await peers.connect(address(peer));
    expect(first.agent.via).toBe('bundle');
    expect(first.agent.uploaded).toBe(true);
    expect(createHash('sha256').update(readFileSync(landed)).digest('hex')).toBe(bundle.sha256);
    expect(first.info).toMatchObject({ protocol: 1, happierVersion: VERSION, flavor: 'bundled', homeDir: peer.home, node: process.version });
    expect(first.info.machineId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await first.agent.endpoint.call('ping')).toHaveProperty('now');
    await peers.closeAll();

    const again = connector();
    const second = await again.connect(address(peer));
    expect(second.agent.uploaded).toBe(false);
    expect(second.info.machineId).toBe(first.info.machineId);
    await again.closeAll();

    // A file changed on the peer is replaced, never run.
    writeFileSync(landed, 'process.exit(1)\n');
    const third = connector();
    const p3 = await third.connect(address(peer));
    expect(p3.agent.uploaded).toBe(true);
    expect(readFileSync(landed).equals(bundle.bytes)).toBe(true);
    await third.closeAll();
  });

  it('refuses an upload whose bytes do not match the hash, leaving nothing in place', async () => {
    const peers = connector();
    const p = await peers.connect(address(peer));
    const tampered = Buffer.from('console.log("not the agent")\n');
    const err = await rejectionOf(uploadAgentBundle(p.ssh, tampered, localAgentBundle({}).sha256, '9.9.9-test'));
    expect(err.code).toBe('TRANSFER_FAILED');
    expect(err.details.reason).toBe('hash-mismatch');
    const dir = join(peer.home, '.happier', 'agent', '9.9.9-test');
    expect(existsSync(join(dir, 'happier-agent.mjs'))).toBe(false);
    expect(readFileSync(join(peer.home, '.happier', 'agent', VERSION, 'happier-agent.mjs')).length).toBeGreaterThan(1000);
    await peers.closeAll();
  });

  it('refuses a peer whose node (first on its login PATH) is older than 20, saying so', async () => {
    const bin = join(tmp.path, 'old-node-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho v18.19.0\n');
    chmodSync(bin, 0o755);
    chmodSync(join(bin, 'node'), 0o755);
    chmodSync(tmp.path, 0o755);
    const old = await startSshd();
    writeFileSync(join(old.home, '.profile'), `export PATH="${bin}:$PATH"\n`);
    old.chown(join(old.home, '.profile'));
    try {
      writeFileSync(sshEnv.env.HAPPIER_KNOWN_HOSTS!, `${peer.knownHostsLine}\n${old.knownHostsLine}\n`);
      const peers = connector();
      const err = await rejectionOf(peers.connect(address(old)));
      expect(err.code).toBe('PEER_INCOMPATIBLE');
      expect(err.message).toContain('v18.19.0');
      expect(err.message).toContain(join(bin, 'node'));
      expect(err.message).toMatch(/Node 20 or newer/);
      await peers.closeAll();
    } finally {
      await old.stop();
    }
  });

  it('runs the peer’s installed happier of the same version instead of uploading', async () => {
    const bin = join(tmp.path, 'installed-bin');
    mkdirSync(bin, { recursive: true });
    const launcher = new URL('../../../bin/happier', import.meta.url).pathname;
    writeFileSync(join(bin, 'happier'), `#!/bin/sh\nexec ${process.execPath} ${launcher} "$@"\n`);
    chmodSync(bin, 0o755);
    chmodSync(join(bin, 'happier'), 0o755);
    chmodSync(tmp.path, 0o755);
    const withHappier = await startSshd({ path: `${bin}:/usr/bin:/bin` });
    try {
      writeFileSync(sshEnv.env.HAPPIER_KNOWN_HOSTS!, `${peer.knownHostsLine}\n${withHappier.knownHostsLine}\n`);
      const peers = connector();
      const p = await peers.connect(address(withHappier));
      expect(p.agent.via).toBe('installed');
      expect(p.agent.uploaded).toBe(false);
      expect(p.info).toMatchObject({ flavor: 'installed', happierVersion: VERSION });
      expect(p.info.machineId).toMatch(/^[0-9a-f-]{36}$/);
      expect(existsSync(join(withHappier.home, '.happier', 'agent'))).toBe(false);
      await peers.closeAll();
    } finally {
      await withHappier.stop();
    }
  });

  it('carries many file streams at once, big and small, each checked by hash', async () => {
    const peers = connector();
    const p = await peers.connect(address(peer));
    const local = join(tmp.path, 'files');
    mkdirSync(local, { recursive: true });
    const remoteDir = join(peer.home, 'incoming');
    await p.agent.endpoint.call('fs.mkdir', { path: remoteDir });
    const big = randomBytes(24 * 1024 * 1024);
    writeFileSync(join(local, 'big.bin'), big);
    const small = Array.from({ length: 60 }, (_, i) => {
      const f = join(local, `small-${i}.txt`);
      writeFileSync(f, `file ${i}\n`.repeat(i * 100 + 1));
      return f;
    });
    const t0 = Date.now();
    let smallDoneAt = 0;
    const bigPut = putFile(p.agent.endpoint, join(local, 'big.bin'), join(remoteDir, 'big.bin'));
    const smallPuts = Promise.all(small.map((f, i) => putFile(p.agent.endpoint, f, join(remoteDir, `small-${i}.txt`)))).then((r) => {
      smallDoneAt = Date.now();
      return r;
    });
    const [bigResult] = await Promise.all([bigPut, smallPuts]);
    const bigDoneAt = Date.now();
    expect(bigResult.size).toBe(big.length);
    expect(readFileSync(join(remoteDir, 'big.bin')).equals(big)).toBe(true);
    for (let i = 0; i < small.length; i++) expect(readFileSync(join(remoteDir, `small-${i}.txt`)).equals(readFileSync(small[i]!))).toBe(true);
    // Small streams are not stuck behind the big one.
    expect(smallDoneAt - t0).toBeLessThan(bigDoneAt - t0);

    const back = join(local, 'big-back.bin');
    await getFile(p.agent.endpoint, join(remoteDir, 'big.bin'), back);
    expect(readFileSync(back).equals(big)).toBe(true);
    const listing = await p.agent.endpoint.call<{ name: string }[]>('fs.list', { path: remoteDir });
    expect(listing.map((e) => e.name)).toContain('big.bin');
    expect(listing.some((e) => e.name.startsWith('.happier-tmp-'))).toBe(false);
    await peers.closeAll();
  });

  it('refuses relative and dot-dot paths from the other side', async () => {
    const peers = connector();
    const p = await peers.connect(address(peer));
    for (const path of ['relative/x', '/tmp/../etc/passwd', '/a/./b', '']) {
      const err = await rejectionOf(p.agent.endpoint.call('fs.stat', { path }));
      expect(err.code).toBe('UNSAFE_PATH');
    }
    const err = await rejectionOf(p.agent.endpoint.call('staging.remove', { path: peer.home }));
    expect(err.code).toBe('UNSAFE_PATH');
    expect(existsSync(peer.home)).toBe(true);
    await peers.closeAll();
  });
});
