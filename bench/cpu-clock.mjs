// CPU seconds of processes that have exited, read from /proc: a process's cutime and
// cstime hold the CPU of every descendant it has waited for. The bench's own
// children (rsync, ssh, the happier CLI) land in /proc/self. The peer's side (what the
// test sshd runs: rsync --server, happier agent, shells) is sampled by tree-cpu-poller.mjs.
// That works on a machine shared with other load, where wall time alone cannot tell
// a slower tool from a busier box.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TICKS_PER_SECOND = 100;

/** Reaped descendants' user + system CPU of `pid`, in seconds (Linux). */
export function childrenCpuSeconds(pid = 'self') {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** The bench process's own CPU (for work done in-process, like the sender of pushTree). */
export function selfCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Starts sampling the CPU of everything below `pid`; `stop()` gives its seconds and the sampler's own. */
export function watchTree(pid) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./tree-cpu-poller.mjs', import.meta.url)), String(pid)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out))));
  return {
    async stop() {
      child.stdin.end();
      return done;
    },
  };
}

/**
 * Wraps one measured run: wall ms, local CPU (the bench process when the work runs in it,
 * and its reaped children) and, when `remotePid` is given, the CPU of that process's tree.
 */
export async function measure(fn, { remotePid, inProcess = false } = {}) {
  const watch = remotePid ? watchTree(remotePid) : undefined;
  // The sampler needs a moment to start before the run it watches.
  if (watch) await new Promise((r) => setTimeout(r, 60));
  const l0 = childrenCpuSeconds() + (inProcess ? selfCpuSeconds() : 0);
  const t0 = performance.now();
  const extra = await fn();
  const ms = performance.now() - t0;
  const l1 = childrenCpuSeconds() + (inProcess ? selfCpuSeconds() : 0);
  let remoteCpu = NaN;
  let samplerCpu = 0;
  if (watch) {
    const r = await watch.stop();
    remoteCpu = r.treeCpu;
    samplerCpu = r.ownCpu;
  }
  // The sampler is reaped after l1 was read, so its CPU never lands in localCpu; samplerCpu is kept for reference.
  return { ms, localCpu: l1 - l0, remoteCpu, samplerCpu, ...(extra ?? {}) };
}
