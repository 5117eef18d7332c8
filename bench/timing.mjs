// Shared timing helpers for the benchmarks: wall times of whole commands, medians, runs
// that alternate a tool with its yardstick, the ratios `bench/run.mjs --json` collects,
// and a printed table with each figure's ratio to a yardstick measured in the same run.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { measure } from './cpu-clock.mjs';

export function timeCommand(argv, { env = process.env, runs = 15, warmup = 2 } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
    if (i >= warmup) samples.push(ms);
  }
  return summarize(samples);
}

/** Runs one command once, for `alternate`; its CPU is the reaped child's. */
export function commandRun(argv, env = process.env) {
  return () =>
    measure(() => {
      const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
    });
}

export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1], runs: s.length };
}

const median = (xs) => summarize(xs).median;

/**
 * Runs `ours` and `yardstick` `runs` times each, alternating (yardstick, ours, yardstick, …),
 * so a burst of other load on the machine falls on both. Each run returns at least `ms`;
 * the result holds both sides' runs and the per-pair ratios of `key`.
 */
export async function alternate(runs, yardstick, ours, { warmup = 0, key = 'ms' } = {}) {
  for (let i = 0; i < warmup; i++) {
    await yardstick(-1);
    await ours(-1);
  }
  const y = [];
  const o = [];
  for (let i = 0; i < runs; i++) {
    y.push(await yardstick(i));
    o.push(await ours(i));
  }
  return pairStats(y, o, key);
}

/** Medians of each side, and the ratio of medians with the min and max of the per-pair ratios. */
export function pairStats(y, o, key = 'ms') {
  const ratios = o.map((r, i) => r[key] / y[i][key]);
  const side = (runs) => ({
    runs,
    median: median(runs.map((r) => r[key])),
    min: Math.min(...runs.map((r) => r[key])),
    max: Math.max(...runs.map((r) => r[key])),
    localCpu: median(runs.map((r) => r.localCpu ?? NaN)),
    remoteCpu: median(runs.map((r) => r.remoteCpu ?? NaN)),
  });
  const ys = side(y);
  const os = side(o);
  return { yardstick: ys, ours: os, ratio: os.median / ys.median, minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios) };
}

/**
 * Records one named ratio for `bench/run.mjs --json` (which sets BENCH_JSON_OUT); a
 * no-op when a bench runs on its own.
 */
export function recordRatio(name, yardstick, stats, target) {
  const out = process.env.BENCH_JSON_OUT;
  if (!out) return;
  const entry = {
    name,
    ratio: round(stats.ratio),
    yardstick,
    min: round(stats.minRatio),
    max: round(stats.maxRatio),
    target,
    met: stats.ratio <= target,
    runs: stats.ours.runs.length,
    ours: sideJson(stats.ours),
    yardstickRuns: sideJson(stats.yardstick),
  };
  appendFileSync(out, JSON.stringify(entry) + '\n');
}

const round = (x) => Math.round(x * 1000) / 1000;
const sideJson = (s) => ({
  median: round(s.median),
  min: round(s.min),
  max: round(s.max),
  localCpuSeconds: Number.isNaN(s.localCpu) ? null : round(s.localCpu),
  remoteCpuSeconds: Number.isNaN(s.remoteCpu) ? null : round(s.remoteCpu),
});

/** Tables go to stderr under `run.mjs --json`, so stdout holds the one JSON document. */
export function printTable(rows) {
  const log = process.env.BENCH_JSON_OUT ? console.error : console.log;
  const widths = Object.keys(rows[0]).map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  log(line(Object.keys(rows[0])));
  for (const r of rows) log(line(Object.values(r)));
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
export const cpu = (s) => (Number.isNaN(s) ? '-' : `${s.toFixed(2)} s`);
