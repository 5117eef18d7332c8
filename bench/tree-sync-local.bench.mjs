// Tree sync on one machine (in-process channel, local disk) against `rsync -a` dir-to-dir on
// the same generated trees, in the same run: (a) first copy of 300 MB in 20,000 files,
// (b) re-sync after small edits to 1% of the files, (c) re-sync with no change.
// The SSH benchmark compares over a real sshd; this one isolates the engine itself.
// HAPPIER_BENCH_DIR picks the disk (default: the OS temp dir). Literals are not deflated here
// (HAPPIER_BENCH_COMPRESS=1 turns it on): on one machine it only costs CPU, and rsync -a does
// not compress either. Files are fsynced before their rename (HAPPIER_BENCH_FSYNC=0 skips it);
// rsync does not fsync.
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncTreeLocal } from '../dist/src/transfer/tree-sync/local-sync.js';
import { printTable } from './timing.mjs';

const FILES = 20_000;
const BIG_FILES = 40;
const BIG_SIZE = 5 * 1024 * 1024; // 40 x 5 MiB = 200 MiB
const SMALL_TOTAL = 100 * 1024 * 1024; // the other ~100 MiB over 19,960 files

const COMPRESS = process.env.HAPPIER_BENCH_COMPRESS === '1';
const FSYNC = process.env.HAPPIER_BENCH_FSYNC !== '0';
const base = mkdtempSync(join(process.env.HAPPIER_BENCH_DIR ?? tmpdir(), 'happier-bench-sync-'));
const src = join(base, 'src');
const oursDest = join(base, 'ours');
const rsyncDest = join(base, 'rsync');

function generate() {
  const smallCount = FILES - BIG_FILES;
  const avg = Math.floor(SMALL_TOTAL / smallCount);
  const text = Buffer.alloc(4 * avg);
  const words = ['const', 'value', 'return', 'function', 'import', 'export', 'await', 'session', 'machine', 'handoff'];
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < text.length; ) {
    const w = `${words[Math.floor(rnd() * words.length)]}${Math.floor(rnd() * 100)}${rnd() < 0.1 ? '\n' : ' '}`;
    i += text.write(w, i);
  }
  for (let i = 0; i < smallCount; i++) {
    const dir = join(src, `pkg-${i % 100}`, `mod-${Math.floor(i / 100) % 20}`);
    if (i < 2000) mkdirSync(dir, { recursive: true });
    const size = Math.floor(avg * (0.2 + 1.6 * rnd()));
    const off = Math.floor(rnd() * (text.length - size));
    const fd = openSync(join(dir, `file-${i}.ts`), 'w');
    writeSync(fd, text, off, size);
    closeSync(fd);
  }
  mkdirSync(join(src, 'assets'), { recursive: true });
  const chunk = Buffer.allocUnsafe(BIG_SIZE);
  for (let i = 0; i < BIG_FILES; i++) {
    // Half random (incompressible media), half text (logs, bundles).
    if (i % 2 === 0) randomFillSync(chunk);
    else for (let o = 0; o < BIG_SIZE; o += text.length) text.copy(chunk, o, 0, Math.min(text.length, BIG_SIZE - o));
    writeFileSync(join(src, 'assets', `blob-${i}.bin`), chunk);
  }
}

/** Edits 1% of the files: a few bytes changed in the middle, or a line appended. */
function editOnePercent() {
  let n = 0;
  const list = spawnSync('find', [src, '-type', 'f'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.trim().split('\n').sort();
  for (let i = 0; i < list.length; i += 100) {
    const p = list[i];
    const data = readFileSync(p);
    if (i % 200 === 0) data.write('EDITED', Math.floor(data.length / 2));
    writeFileSync(p, i % 200 === 0 ? data : Buffer.concat([data, Buffer.from('\n// appended line\n')]));
    n++;
  }
  return n;
}

function rsync(args) {
  const t0 = performance.now();
  const r = spawnSync('rsync', [...args, '--stats', `${src}/`, `${rsyncDest}/`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`rsync failed: ${r.stderr}`);
  const num = (label) => Number((new RegExp(`${label}: ([\\d,.]+)`).exec(r.stdout)?.[1] ?? '0').replace(/,/g, ''));
  return { ms, bytes: num('Total bytes sent') + num('Total bytes received') };
}

async function ours() {
  const t0 = performance.now();
  const r = await syncTreeLocal(src, oursDest, { send: { ignoreRules: false, compress: COMPRESS }, receive: { fsync: FSYNC } });
  return { ms: performance.now() - t0, bytes: r.wireBytes, r };
}

const mb = (b) => `${(b / 1024 / 1024).toFixed(2)} MiB`;
const row = (name, o, y, yard) => ({
  case: name,
  'happier wall': `${o.ms.toFixed(0)} ms`,
  [`rsync wall`]: `${y.ms.toFixed(0)} ms`,
  'wall ratio': `${(o.ms / y.ms).toFixed(2)}x`,
  'happier bytes': mb(o.bytes),
  'rsync bytes': mb(y.bytes),
  'bytes ratio': `${(o.bytes / Math.max(1, y.bytes)).toFixed(2)}x`,
  yardstick: yard,
});

try {
  const g0 = performance.now();
  generate();
  console.log(`generated ${FILES} files, ~300 MiB, in ${(performance.now() - g0).toFixed(0)} ms under ${base}`);
  const rows = [];

  const a = await ours();
  const ra = rsync(['-a']);
  rows.push(row('(a) first copy', a, ra, 'rsync -a'));

  const c = await ours();
  const rc = rsync(['-a']);
  rows.push(row('(c) no change', c, rc, 'rsync -a'));

  const edited = editOnePercent();
  const b = await ours();
  // Local rsync copies whole files by default; --no-whole-file makes it use its delta, as over SSH.
  const rb = rsync(['-a', '--no-whole-file']);
  rows.push(row(`(b) ${edited} files edited`, b, rb, 'rsync -a --no-whole-file'));

  printTable(rows);
  console.log(
    `\n(b) detail: happier sent ${b.r.sent.filesSent} files, literal ${mb(b.r.sent.literalBytes)}, matched ${mb(b.r.sent.matchedBytes)}; ` +
      `compress=${COMPRESS} fsync=${FSYNC} (rsync: no compression, no fsync).`,
  );
} finally {
  // Removing 80,000 files can take a minute on a disk mounted with discard; do it after we exit.
  spawn('rm', ['-rf', base], { detached: true, stdio: 'ignore' }).unref();
}
