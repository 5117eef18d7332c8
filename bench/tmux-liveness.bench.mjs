// Liveness of every session from one `tmux list-panes -a` call, on an isolated server
// holding 200 live sessions. The yardstick is the same call against a server with one
// session (the fixed cost of asking tmux anything); the per-session cost is what the
// extra 199 sessions add, divided by 199. Asking tmux once per session (`has-session`
// for each) is shown for comparison: that is the design this call replaces.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProcessRunner } from '../dist/shell/node-process-runner.js';
import { listPanes, liveSessionNames } from '../dist/shell/tmux/tmux-server.js';
import { fmt, printTable, summarize } from './timing.mjs';

const COUNT = 200;
const dir = mkdtempSync(join(tmpdir(), 'happier-bench-tmux-'));
const servers = { one: { bin: 'tmux', socket: join(dir, 'one.sock') }, many: { bin: 'tmux', socket: join(dir, 'many.sock') } };

function startSessions(server, count) {
  // One tmux invocation per 50 sessions, chained with `;`, so setting up is quick.
  for (let from = 0; from < count; from += 50) {
    const args = [];
    for (let i = from; i < Math.min(count, from + 50); i++) {
      if (args.length) args.push(';');
      args.push('new-session', '-d', '-s', `happier-${String(i).padStart(8, '0')}`, '--', 'sleep', '3600');
    }
    execFileSync('tmux', ['-S', server.socket, ...args]);
  }
}

async function time(fn, runs) {
  for (let i = 0; i < 3; i++) await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return summarize(samples);
}

try {
  startSessions(servers.one, 1);
  startSessions(servers.many, COUNT);
  const live = liveSessionNames(await listPanes(nodeProcessRunner, servers.many));
  if (live.size !== COUNT) throw new Error(`expected ${COUNT} live sessions, tmux reported ${live.size}`);

  const yardstick = await time(() => listPanes(nodeProcessRunner, servers.one), 30);
  const many = await time(() => listPanes(nodeProcessRunner, servers.many), 30);
  const perSession = await time(async () => {
    for (const name of live) await nodeProcessRunner.run('tmux', ['-S', servers.many.socket, 'has-session', '-t', `=${name}`]);
  }, 3);

  const row = (name, t, sessions) => ({
    case: name,
    median: fmt(t.median),
    p90: fmt(t.p90),
    ratio: `${(t.median / yardstick.median).toFixed(2)}x`,
    sessions,
  });
  printTable([
    row('list-panes -a, 1 session (yardstick)', yardstick, 1),
    row(`list-panes -a, ${COUNT} sessions (one call)`, many, COUNT),
    row(`has-session per session, ${COUNT} calls`, perSession, COUNT),
  ]);
  const extra = Math.max(0, many.median - yardstick.median) / (COUNT - 1);
  const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`\nper-session cost of the one call: ${us(extra)} beyond the yardstick, ${us(many.median / COUNT)} averaged over the whole call`);
} finally {
  for (const s of Object.values(servers)) {
    try {
      execFileSync('tmux', ['-S', s.socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // never started
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
