// Tree sync over SSH against real `rsync -a` over the same sshd, in the same run:
// (a) first copy of a 300 MB tree of 20,000 files, (b) re-sync after small edits to 1% of
// the files, (c) re-sync with no change. Prints wall time, bytes sent, CPU seconds of
// both ends and ratios; medians of BENCH_RUNS (5) runs alternating with rsync.
// Targets (issue 16): wall and bytes at or under rsync's.
//
// The sshd harness is the tests' own (test/helpers/sshd.ts), compiled on the fly.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { measure } from './cpu-clock.mjs';
import { alternate, cpu, pairStats, printTable, recordRatio } from './timing.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'happier-bench-ssh-'));
const FILES = Number(process.env.BENCH_FILES ?? 20_000);
const TOTAL_MB = Number(process.env.BENCH_MB ?? 300);

const harness = join(work, 'sshd.mjs');
await build({
  entryPoints: [join(root, 'test/helpers/sshd.ts')],
  outfile: harness,
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'silent',
});
const { startSshd } = await import(harness);
const { PeerConnector } = await import(join(root, 'dist/src/transfer/peer-connector.js'));
const { pushTree } = await import(join(root, 'dist/src/transfer/remote-tree-sync.js'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

/** A project-like tree: mostly small files, some text, some binary, a few large assets. */
function makeTree(dir) {
  const big = 20;
  const bigSize = 3 * 1024 * 1024;
  const smallBudget = TOTAL_MB * 1024 * 1024 - big * bigSize;
  const small = FILES - big;
  const avg = Math.floor(smallBudget / small);
  const text = Buffer.from('export function handler(event, context) { return { status: 200, body: JSON.stringify(event) }; }\n'.repeat(400));
  let n = 0;
  for (let d = 0; n < small; d++) {
    const sub = join(dir, `pkg-${d}`, d % 3 ? 'src' : 'assets');
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 200 && n < small; f++, n++) {
      const size = Math.max(64, Math.floor(avg * (0.25 + ((n * 7919) % 1000) / 666)));
      const body = n % 2 ? randomBytes(size) : Buffer.concat([Buffer.from(`// file ${n}\n`), text.subarray(0, size)]);
      writeFileSync(join(sub, `file-${f}.${n % 2 ? 'bin' : 'js'}`), body);
    }
  }
  mkdirSync(join(dir, 'media'), { recursive: true });
  for (let i = 0; i < big; i++) writeFileSync(join(dir, 'media', `asset-${i}.dat`), randomBytes(bigSize));
}

/** Small edits to 1% of the files: a few bytes changed in the middle, a line appended. */
function editOnePercent(dir) {
  let edited = 0;
  const step = 100;
  let n = 0;
  for (let d = 0; ; d++) {
    const sub = join(dir, `pkg-${d}`, d % 3 ? 'src' : 'assets');
    if (!existsSync(sub)) break;
    const names = readdirSync(sub).sort();
    for (const name of names) {
      if (n++ % step !== 0) continue;
      const p = join(sub, name);
      const b = readFileSync(p);
      const mid = Math.floor(b.length / 2);
      b.write('EDIT', Math.min(mid, Math.max(0, b.length - 4)));
      writeFileSync(p, Buffer.concat([b, Buffer.from('\n// edited\n')]));
      edited++;
    }
  }
  return edited;
}

function rsync(peer, src, dest, knownHosts) {
  const ssh = `ssh -p ${peer.port} -i ${peer.clientKey} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
  return measure(
    () => {
      const r = spawnSync('rsync', ['-a', '--stats', '-e', ssh, `${src}/`, `${peer.user}@127.0.0.1:${dest}/`], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`rsync failed: ${r.stderr}`);
      return { bytes: Number(/Total bytes sent: ([\d,.]+)/.exec(r.stdout)?.[1].replace(/[,.]/g, '') ?? NaN) };
    },
    { remotePid: peer.pid },
  );
}

function ours(peer, src, dest, knownHosts, receive = {}) {
  return measure(
    async () => {
      const peers = new PeerConnector(
        { env: { HAPPIER_KNOWN_HOSTS: knownHosts, HAPPIER_SSH_CONFIG: join(work, 'no-config') }, homeDir: work, localUser: 'bench' },
        { version, machineId: null, env: {} },
      );
      try {
        const p = await peers.connect({ name: 'peer', sshTarget: `${peer.user}@127.0.0.1:${peer.port}`, identityFile: peer.clientKey });
        // Like `rsync -a` (no -z): literals go uncompressed; everything else is the default,
        // including the fsync of every file before its rename, which rsync does not do.
        const r = await pushTree(p.agent.endpoint, src, dest, { send: { ignoreRules: false, compress: false }, receive });
        return { bytes: r.sent.wireBytesSent };
      } finally {
        await peers.closeAll();
      }
    },
    { remotePid: peer.pid, inProcess: true },
  );
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const peer = await startSshd();
try {
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, peer.knownHostsLine + '\n');
  const src = join(work, 'src');
  mkdirSync(src);
  makeTree(src);
  const destRsync = join(peer.home, 'rsync-dest');
  const destOurs = join(peer.home, 'happier-dest');
  // Warm the page cache and the agent upload so neither side pays for them in the first copy.
  spawnSync('tar', ['cf', '/dev/null', src]);
  await ours(peer, join(src, 'media'), join(peer.home, 'warmup'), knownHosts);

  const rows = [];
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const row = (name, st, target, key = 'ms') => {
    const show = key === 'ms' ? s : (b) => Math.round(b).toLocaleString('en');
    rows.push({
      case: name,
      [`rsync ${key === 'ms' ? 'wall' : 'bytes'} (min-max)`]: `${show(st.yardstick.median)} (${show(st.yardstick.min)}-${show(st.yardstick.max)})`,
      [`happier ${key === 'ms' ? 'wall' : 'bytes'} (min-max)`]: `${show(st.ours.median)} (${show(st.ours.min)}-${show(st.ours.max)})`,
      'ratio (min-max)': `${st.ratio.toFixed(2)} (${st.minRatio.toFixed(2)}-${st.maxRatio.toFixed(2)})`,
      'rsync cpu local+remote': `${cpu(st.yardstick.localCpu)} + ${cpu(st.yardstick.remoteCpu)}`,
      'happier cpu local+remote': `${cpu(st.ours.localCpu)} + ${cpu(st.ours.remoteCpu)}`,
      target: `<= ${target.toFixed(2)}`,
      met: st.ratio <= target ? 'yes' : 'NO',
    });
  };
  // Each first copy goes to a fresh destination; the first pair's stays for the re-syncs.
  const fresh = (base) => (i) => (i <= 0 ? base : `${base}-${i}`);
  const drop = (i) => i > 0 && spawnSync('rm', ['-rf', `${destRsync}-${i}`, `${destOurs}-${i}`]);
  const first = await alternate(
    RUNS,
    (i) => rsync(peer, src, fresh(destRsync)(i), knownHosts),
    async (i) => {
      const r = await ours(peer, src, fresh(destOurs)(i), knownHosts);
      drop(i);
      return r;
    },
  );
  row(`first copy, ${FILES} files, ${TOTAL_MB} MB`, first, 1.0);
  recordRatio('tree-sync-first', 'rsync -a over the same sshd (wall)', first, 1.0);

  // Edits before each pair, so every pair re-syncs the same 1% change.
  let edited = 0;
  const edit = await alternate(
    RUNS,
    () => {
      edited = editOnePercent(src);
      return rsync(peer, src, destRsync, knownHosts);
    },
    () => ours(peer, src, destOurs, knownHosts),
  );
  row(`re-sync, ${edited} files edited (wall)`, edit, 1.0);
  recordRatio('tree-sync-edit-wall', 'rsync -a over the same sshd (wall)', edit, 1.0);
  const editBytes = pairStats(edit.yardstick.runs, edit.ours.runs, 'bytes');
  row(`re-sync, ${edited} files edited (bytes sent)`, editBytes, 1.0, 'bytes');
  recordRatio('tree-sync-edit-bytes', 'rsync -a over the same sshd (bytes sent)', editBytes, 1.0);

  const none = await alternate(
    RUNS,
    () => rsync(peer, src, destRsync, knownHosts),
    () => ours(peer, src, destOurs, knownHosts),
  );
  row('re-sync, no change', none, 1.0);
  recordRatio('tree-sync-nochange', 'rsync -a over the same sshd (wall)', none, 1.0);
  printTable(rows);
  console.log(`(${RUNS} alternating runs each; CPU is the median's user+system seconds: local = this process and its ssh/rsync children, remote = what the peer's sshd ran)`);
} finally {
  await peer.stop();
  rmSync(work, { recursive: true, force: true });
}
