// Runs every benchmark (or those whose file name contains an argument) one after the
// other, so they do not disturb each other's timings. With --json, the tables go to
// stderr and stdout gets one JSON document: every named ratio the benches recorded,
// as {"name","ratio","yardstick","min","max"} (plus target, met, runs and CPU seconds).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const filters = args.filter((a) => a !== '--json');
// A filter may be a row name (`tree-sync-first`) as well as part of a file name.
const ROW_FILES = { 'list-': 'cli-startup', 'tree-sync-': 'transfer-ssh', 'handoff-': 'handoff' };
const fileFilters = filters.map((f) => Object.entries(ROW_FILES).find(([p]) => f.startsWith(p))?.[1] ?? f);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => fileFilters.length === 0 || fileFilters.some((x) => f.includes(x)))
  .sort();
const tmp = json ? mkdtempSync(join(tmpdir(), 'happier-bench-json-')) : undefined;
const out = tmp ? join(tmp, 'ratios.jsonl') : undefined;
let failed = 0;
for (const file of benches) {
  (json ? console.error : console.log)(`\n## ${file}`);
  const r = spawnSync(process.execPath, [`${dir}/${file}`], {
    stdio: ['ignore', json ? 2 : 'inherit', 'inherit'],
    env: out ? { ...process.env, BENCH_JSON_OUT: out } : process.env,
  });
  if (r.status !== 0) failed++;
}
if (out) {
  let ratios = [];
  try {
    ratios = readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {}
  const rowNames = filters.filter((f) => Object.keys(ROW_FILES).some((p) => f.startsWith(p)));
  if (rowNames.length) ratios = ratios.filter((r) => rowNames.includes(r.name));
  process.stdout.write(JSON.stringify({ ratios, failed }, null, 2) + '\n');
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
