import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerConnector, type Peer } from '../../../src/transfer/peer-connector.js';
import { pullTree, pushTree } from '../../../src/transfer/remote-tree-sync.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { fastTempDir } from '../../helpers/fast-temp.js';
import { rejectionOf } from '../../helpers/happier-error.js';

const VERSION = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version as string;
let sshd: SshdPeer;
const tmp = { path: fastTempDir('happier-treesync-') };
let peers: PeerConnector;
let peer: Peer;

function connector(): PeerConnector {
  writeFileSync(join(tmp.path, 'known_hosts'), sshd.knownHostsLine + '\n');
  return new PeerConnector(
    { env: { HAPPIER_KNOWN_HOSTS: join(tmp.path, 'known_hosts'), HAPPIER_SSH_CONFIG: join(tmp.path, 'none') }, homeDir: tmp.path, localUser: 'me' },
    { version: VERSION, machineId: 'local', env: {} },
  );
}

const address = () => ({ name: 'peer', sshTarget: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: sshd.clientKey });

beforeAll(async () => {
  sshd = await startSshd();
  peers = connector();
  peer = await peers.connect(address());
});

afterAll(async () => {
  await peers?.closeAll();
  await sshd?.stop();
  execFileSync('rm', ['-rf', tmp.path]);
});

interface Snapshot {
  [path: string]: { type: string; mode: number; hash?: string; target?: string; mtimeMs?: number };
}

/** Everything a user would compare: types, permission bits, contents, link targets, file mtimes. */
function snapshot(root: string): Snapshot {
  const out: Snapshot = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, p));
      if (st.isSymbolicLink()) out[p] = { type: 'link', mode: 0, target: readlinkSync(join(root, p)) };
      else if (st.isDirectory()) {
        out[p] = { type: 'dir', mode: st.mode & 0o777 };
        walk(p);
      } else {
        out[p] = {
          type: 'file',
          mode: st.mode & 0o777,
          hash: createHash('sha256').update(readFileSync(join(root, p))).digest('hex'),
          mtimeMs: Math.floor(st.mtimeMs),
        };
      }
    }
  };
  walk('');
  return out;
}

function tricky(root: string): void {
  mkdirSync(join(root, 'dir with spaces', 'nested'), { recursive: true });
  mkdirSync(join(root, 'empty dir'));
  mkdirSync(join(root, 'ünïcødé 文件'));
  writeFileSync(join(root, 'dir with spaces', 'a file.txt'), 'hello world\n');
  writeFileSync(join(root, 'ünïcødé 文件', 'naïve ☃.md'), '# snow\n'.repeat(1000));
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'secret.txt'), 'only me\n');
  chmodSync(join(root, 'secret.txt'), 0o600);
  writeFileSync(join(root, 'dir with spaces', 'nested', 'big.bin'), randomBytes(3 * 1024 * 1024));
  symlinkSync('dir with spaces/a file.txt', join(root, 'link-in-tree'));
  symlinkSync('../../../../etc/passwd', join(root, 'link-escaping'));
  symlinkSync('/etc/hostname', join(root, 'link-absolute'));
}

describe('tree sync between two machines over a real sshd', () => {
  it('pushes and pulls trees with spaces, unicode, symlinks, empty folders and modes, then re-syncs only what changed', async () => {
    const src = join(tmp.path, 'src-tricky');
    mkdirSync(src);
    tricky(src);
    const dest = join(sshd.home, 'work', 'tricky');
    const first = await pushTree(peer.agent.endpoint, src, dest);
    expect(first.received.staged).toBe(true);
    expect(snapshot(dest)).toEqual(snapshot(src));
    // Links are copied as links, never followed.
    expect(readlinkSync(join(dest, 'link-escaping'))).toBe('../../../../etc/passwd');
    expect(lstatSync(join(dest, 'link-absolute')).isSymbolicLink()).toBe(true);
    expect(statSync(join(dest, 'run.sh')).uid).not.toBe(0);

    // One byte changed in the middle of a 3 MB file travels as a delta.
    const big = join(src, 'dir with spaces', 'nested', 'big.bin');
    const bytes = readFileSync(big);
    bytes[1_500_000] = bytes[1_500_000]! ^ 0xff;
    writeFileSync(big, bytes);
    writeFileSync(join(src, 'new file.txt'), 'new\n');
    rmSync(join(src, 'secret.txt'));
    const second = await pushTree(peer.agent.endpoint, src, dest);
    expect(snapshot(dest)).toEqual(snapshot(src));
    expect(second.sent.literalBytes).toBeLessThan(300 * 1024);
    expect(second.received.filesDeleted).toBe(1);

    const back = join(tmp.path, 'pulled-tricky');
    await pullTree(peer.agent.endpoint, dest, back);
    expect(snapshot(back)).toEqual(snapshot(src));
  });

  it('keeps the destination whole or untouched when the connection is cut mid-sync', async () => {
    const src = join(tmp.path, 'src-cut');
    mkdirSync(src);
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(src, `d${d}`));
      for (let f = 0; f < 100; f++) writeFileSync(join(src, `d${d}`, `f${f}.bin`), randomBytes(40 * 1024));
    }
    const parent = join(sshd.home, 'cut');
    mkdirSync(parent);
    sshd.chown(parent);
    const dest = join(parent, 'project');
    const filesUnder = (dir: string) =>
      readdirSync(dir).reduce((n, d) => n + (lstatSync(join(dir, d)).isDirectory() ? readdirSync(join(dir, d)).length : 0), 0);
    const cutWhen = async (enough: () => boolean) => {
      for (let i = 0; i < 2000 && !enough(); i++) await new Promise((r) => setTimeout(r, 2));
    };

    // A new tree: cut the connection once the peer has written part of its staging copy.
    const cutPeers = connector();
    const cutPeer = await cutPeers.connect(address());
    const sync = pushTree(cutPeer.agent.endpoint, src, dest, { send: { compress: false } });
    await cutWhen(() => {
      const staging = readdirSync(parent).find((n) => n.includes('.happier-staging-'));
      return !!staging && filesUnder(join(parent, staging)) >= 50;
    });
    cutPeer.ssh.destroy();
    const err = await rejectionOf(sync);
    expect(err.code).toBe('TRANSFER_FAILED');
    await cutPeers.closeAll();
    // The peer's agent notices the cut and removes its half-built staging copy before it exits.
    const leftovers = () => readdirSync(parent).filter((n) => n.includes('.happier-staging-'));
    for (let i = 0; i < 300 && leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(leftovers()).toEqual([]);
    expect(existsSync(dest)).toBe(false);

    // An existing tree cut during an update holds only complete files, each old or new.
    const again = connector();
    const p2 = await again.connect(address());
    await pushTree(p2.agent.endpoint, src, dest);
    const before = snapshot(dest);
    for (let d = 0; d < 20; d++) for (let f = 0; f < 100; f++) writeFileSync(join(src, `d${d}`, `f${f}.bin`), randomBytes(40 * 1024));
    const after = snapshot(src);
    const update = pushTree(p2.agent.endpoint, src, dest, { send: { compress: false } });
    // Only the first folder is watched: looking at all 2,000 files on every poll is slow
    // enough under load that the whole update can finish before the cut.
    const firstFolder = Object.entries(after).filter(([p]) => p.startsWith('d0/'));
    const updatedFiles = () => {
      let n = 0;
      for (const [p, e] of firstFolder) {
        try {
          if (e.type === 'file' && Math.floor(lstatSync(join(dest, p)).mtimeMs) === e.mtimeMs) n++;
        } catch {
          // being renamed into place right now
        }
      }
      return n;
    };
    await cutWhen(() => updatedFiles() >= 20);
    p2.ssh.destroy();
    expect((await rejectionOf(update)).code).toBe('TRANSFER_FAILED');
    await again.closeAll();
    const temps = () => {
      try {
        return Object.keys(snapshot(dest)).filter((p) => p.split('/').pop()!.startsWith('.happier-tmp-'));
      } catch {
        // The peer's agent is removing a temporary file this very moment: still cleaning up.
        return ['(cleaning up)'];
      }
    };
    for (let i = 0; i < 300 && temps().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(temps()).toEqual([]);
    const now = snapshot(dest);
    let changed = 0;
    for (const [path, entry] of Object.entries(now)) {
      if (entry.type !== 'file') continue;
      expect([before[path]?.hash, after[path]?.hash]).toContain(entry.hash);
      if (entry.hash === after[path]?.hash) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(2000);
  });

  it('refuses ../ and absolute paths sent by a hostile peer agent', async () => {
    const out = join(tmp.path, 'hostile-bundle.mjs');
    await build({
      entryPoints: [new URL('../fixtures/hostile-agent.ts', import.meta.url).pathname],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
    const bytes = readFileSync(out);
    const { launchRemoteAgent } = await import('../../../src/transfer/agent/agent-launch.js');
    const hostilePeers = connector();
    const conn = (await hostilePeers.connect(address())).ssh;
    const hostile = await launchRemoteAgent(conn, {
      localVersion: 'hostile-test',
      localInfo: { protocol: 1, happierVersion: VERSION, node: process.version, platform: 'linux', arch: 'x64', hostname: 'h', homeDir: tmp.path, machineId: null, providers: [], flavor: 'installed' },
      bundle: { bytes, sha256: createHash('sha256').update(bytes).digest('hex') },
      forceBundle: true,
    });
    expect(hostile.info.happierVersion).toBe('hostile');
    const dest = join(tmp.path, 'victim', 'dest');
    mkdirSync(dirname(dest), { recursive: true });
    const climb = await rejectionOf(pullTree(hostile.endpoint, '/anything', dest));
    expect(climb.code).toBe('UNSAFE_PATH');
    expect(existsSync(join(tmp.path, 'victim', 'escaped.txt'))).toBe(false);
    expect(existsSync(dest)).toBe(false);

    const abs = await rejectionOf(pullTree(hostile.endpoint, '/anything-abs', dest));
    expect(abs.code).toBe('UNSAFE_PATH');
    expect(existsSync('/tmp/happier-hostile-abs.txt')).toBe(false);
    await hostile.close();
    await hostilePeers.closeAll();
  });

  it('copies a 200 MB file whole, and 20,000 small files', async () => {
    const bigSrc = join(tmp.path, 'src-big');
    mkdirSync(bigSrc);
    const chunk = randomBytes(1024 * 1024);
    const parts: Buffer[] = [];
    for (let i = 0; i < 200; i++) parts.push(i % 2 ? chunk : randomBytes(1024 * 1024));
    writeFileSync(join(bigSrc, 'huge.bin'), Buffer.concat(parts));
    const bigDest = join(sshd.home, 'big');
    const r = await pushTree(peer.agent.endpoint, bigSrc, bigDest);
    expect(r.received.filesWritten).toBe(1);
    expect(snapshot(bigDest)).toEqual(snapshot(bigSrc));
    rmSync(bigSrc, { recursive: true });
    rmSync(bigDest, { recursive: true });

    const manySrc = join(tmp.path, 'src-many');
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(manySrc, `pkg-${d}`, 'lib'), { recursive: true });
      for (let f = 0; f < 200; f++) writeFileSync(join(manySrc, `pkg-${d}`, 'lib', `m${f}.js`), `export const v${f} = ${d * 1000 + f};\n`);
    }
    const manyDest = join(sshd.home, 'many');
    const m = await pushTree(peer.agent.endpoint, manySrc, manyDest);
    expect(m.received.filesWritten).toBe(20_000);
    expect(snapshot(manyDest)).toEqual(snapshot(manySrc));
    const again = await pushTree(peer.agent.endpoint, manySrc, manyDest);
    expect(again.received.filesWritten).toBe(0);
  });
});
