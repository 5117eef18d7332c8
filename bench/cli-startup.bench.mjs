// Start-up and list speed of the built CLI against a bare `node -e 0`, in one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedRegistry } from './seed-registry.mjs';
import { alternate, commandRun, cpu, fmt, printTable, recordRatio, timeCommand } from './timing.mjs';

const BIN = fileURLToPath(new URL('../bin/happier', import.meta.url));

function seededHome(count) {
  const home = mkdtempSync(join(tmpdir(), `happier-bench-${count}-`));
  seedRegistry(home, count);
  return home;
}

const homes = { 1000: seededHome(1000), 10000: seededHome(10000) };
const envFor = (home, extra = {}) => ({ ...process.env, HAPPIER_HOME: home, NO_COLOR: '1', ...extra });
try {
  const node = process.execPath;
  const bare = timeCommand([node, '-e', '0']);
  const cases = [
    ['happier --version', [node, BIN, '--version'], envFor(homes[1000]), 1.5],
    ['session list --json (1,000)', [node, BIN, 'session', 'list', '--json'], envFor(homes[1000]), null],
    ['session list --json (10,000)', [node, BIN, 'session', 'list', '--json'], envFor(homes[10000]), 4],
    ['session list table (10,000)', [node, BIN, 'session', 'list'], envFor(homes[10000], { COLUMNS: '160' }), 4],
  ];
  const rows = [{ command: 'node -e 0 (yardstick)', median: fmt(bare.median), p90: fmt(bare.p90), ratio: '1.00x', target: '', met: '' }];
  let missed = 0;
  for (const [name, argv, env, target] of cases) {
    const t = timeCommand(argv, { env });
    const ratio = t.median / bare.median;
    const met = target === null ? '' : ratio <= target ? 'yes' : 'NO';
    if (met === 'NO') missed++;
    rows.push({ command: name, median: fmt(t.median), p90: fmt(t.p90), ratio: `${ratio.toFixed(2)}x`, target: target ? `<= ${target}x` : '', met });
  }
  // The issue-16 rows: each against bare node in the same run, alternating, with CPU seconds.
  const RUNS = Number(process.env.BENCH_RUNS ?? 7);
  const bareRun = commandRun([node, '-e', '0']);
  for (const [name, args, env] of [
    ['list-json-10k', ['session', 'list', '--json'], envFor(homes[10000])],
    ['list-table-10k', ['session', 'list'], envFor(homes[10000], { COLUMNS: '160' })],
  ]) {
    const st = await alternate(RUNS, bareRun, commandRun([node, BIN, ...args], env), { warmup: 1 });
    recordRatio(name, 'node -e 0 (wall)', st, 2.5);
    rows.push({ command: `${name} (alternating x${RUNS}, cpu ${cpu(st.ours.localCpu)} vs ${cpu(st.yardstick.localCpu)})`, median: fmt(st.ours.median), p90: `${fmt(st.ours.min)}-${fmt(st.ours.max)}`, ratio: `${st.ratio.toFixed(2)}x (${st.minRatio.toFixed(2)}-${st.maxRatio.toFixed(2)})`, target: '<= 2.5x', met: st.ratio <= 2.5 ? 'yes' : 'NO' });
  }
  printTable(rows);
  if (missed) console.log(`\n${missed} target(s) missed`);
} finally {
  for (const h of Object.values(homes)) rmSync(h, { recursive: true, force: true });
}
