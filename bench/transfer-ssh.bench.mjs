// Tree sync over SSH against real `rsync -a` over the same sshd, in the same run:
// (a) first copy of a 300 MB tree of 20,000 files, (b) re-sync after small edits to 1% of
// the files, (c) re-sync with no change. Prints wall time, bytes sent and ratios.
// Targets: wall within 1.25x of rsync on (a) and (c); bytes within 1.1x on (b).
//
// The sshd harness is the tests' own (test/helpers/sshd.ts), compiled on the fly.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { printTable } from './timing.mjs';

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
  const t0 = performance.now();
  const r = spawnSync('rsync', ['-a', '--stats', '-e', ssh, `${src}/`, `${peer.user}@127.0.0.1:${dest}/`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`rsync failed: ${r.stderr}`);
  const bytes = Number(/Total bytes sent: ([\d,.]+)/.exec(r.stdout)?.[1].replace(/[,.]/g, '') ?? NaN);
  return { ms, bytes };
}

async function ours(peer, src, dest, knownHosts, receive = {}) {
  const t0 = performance.now();
  const peers = new PeerConnector(
    { env: { HAPPIER_KNOWN_HOSTS: knownHosts, HAPPIER_SSH_CONFIG: join(work, 'no-config') }, homeDir: work, localUser: 'bench' },
    { version, machineId: null, env: {} },
  );
  try {
    const p = await peers.connect({ name: 'peer', sshTarget: `${peer.user}@127.0.0.1:${peer.port}`, identityFile: peer.clientKey });
    // Like `rsync -a` (no -z): literals go uncompressed; everything else is the default,
    // including an fsync of every file before its rename, which rsync does not do.
    const r = await pushTree(p.agent.endpoint, src, dest, { send: { ignoreRules: false, compress: false }, receive });
    return { ms: performance.now() - t0, bytes: r.sent.wireBytesSent };
  } finally {
    await peers.closeAll();
  }
}

const peer = await startSshd();
try {
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, peer.knownHostsLine + '\n');
  const src = join(work, 'src');
  mkdirSync(src);
  makeTree(src);
  const destRsync = join(peer.home, 'rsync-dest');
  const destOurs = join(peer.home, 'happier-dest');
  // Warm the page cache and the agent upload so neither side pays for them in (a).
  spawnSync('tar', ['cf', '/dev/null', src]);
  await ours(peer, join(src, 'media'), join(peer.home, 'warmup'), knownHosts);

  const rows = [];
  const row = (name, r, h, target) => {
    rows.push({
      case: name,
      'rsync wall': `${(r.ms / 1000).toFixed(2)} s`,
      'happier wall': `${(h.ms / 1000).toFixed(2)} s`,
      'wall ratio': (h.ms / r.ms).toFixed(2),
      'rsync bytes': r.bytes.toLocaleString('en'),
      'happier bytes': h.bytes.toLocaleString('en'),
      'bytes ratio': (h.bytes / r.bytes).toFixed(2),
      target,
    });
  };
  // Medians, alternating the two tools, so a burst of other load does not decide the ratio.
  const median = (runs) => [...runs].sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)];
  const ar = [];
  const ah = [];
  for (let i = 0; i < 3; i++) {
    const suffix = i === 0 ? '' : `-${i}`;
    ar.push(rsync(peer, src, destRsync + suffix, knownHosts));
    ah.push(await ours(peer, src, destOurs + suffix, knownHosts));
    if (i > 0) spawnSync('rm', ['-rf', destRsync + suffix, destOurs + suffix]);
  }
  const a = [median(ar), median(ah)];
  row(`(a) first copy, ${FILES} files, ${TOTAL_MB} MB (median of 3)`, a[0], a[1], 'wall <= 1.25');
  const edited = editOnePercent(src);
  const b = [rsync(peer, src, destRsync, knownHosts), await ours(peer, src, destOurs, knownHosts)];
  row(`(b) re-sync, ${edited} files edited`, b[0], b[1], 'bytes <= 1.10');
  // A no-change re-sync is short enough to be swayed by other load: median of five, alternating.
  const cr = [];
  const ch = [];
  for (let i = 0; i < 5; i++) {
    cr.push(rsync(peer, src, destRsync, knownHosts));
    ch.push(await ours(peer, src, destOurs, knownHosts));
  }
  const c = [median(cr), median(ch)];
  row('(c) re-sync, no change (median of 5)', c[0], c[1], 'wall <= 1.25');
  // For reference only: what the per-file fsync (which rsync skips) costs on the first copy.
  const a2 = await ours(peer, src, join(peer.home, 'happier-dest-nofsync'), knownHosts, { fsync: false });
  row("(a') first copy, no per-file fsync", a[0], a2, 'info');
  printTable(rows);
  const verdict = [a[1].ms / a[0].ms <= 1.25, b[1].bytes / b[0].bytes <= 1.1, c[1].ms / c[0].ms <= 1.25];
  console.log(`targets met: (a) ${verdict[0] ? 'yes' : 'NO'}, (b) ${verdict[1] ? 'yes' : 'NO'}, (c) ${verdict[2] ? 'yes' : 'NO'}`);
} finally {
  await peer.stop();
  rmSync(work, { recursive: true, force: true });
}
