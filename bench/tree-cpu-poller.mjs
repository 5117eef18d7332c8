// Samples the CPU of every process below one pid (the test sshd) until its stdin closes,
// then prints {"treeCpu", "ownCpu"} in seconds. sshd does not wait for its sessions in a
// way that adds their CPU to its own cutime, so the peer's side is sampled instead:
// every 40 ms, each descendant's user + system time, last value kept. A process can lose
// up to one interval of CPU, which makes the remote figure a slight underestimate.
// It runs as its own process so a benchmark that blocks in spawnSync is still sampled,
// and reports its own CPU so the bench can take it out of the local figure.
import { readFileSync, readdirSync } from 'node:fs';

const root = Number(process.argv[2]);
const TICKS = 100;
const last = new Map();

function children(pid) {
  const out = [];
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(' ')) if (c) out.push(Number(c));
    } catch {}
  }
  return out;
}

function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { start: f[19], ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

function sample() {
  const todo = children(root);
  while (todo.length) {
    const pid = todo.pop();
    const c = cpuOf(pid);
    // Keyed by pid and start time, so a reused pid is a new process.
    if (c) last.set(`${pid}@${c.start}`, c.ticks);
    todo.push(...children(pid));
  }
}

const timer = setInterval(sample, 40);
sample();
process.stdin.resume();
process.stdin.on('end', () => {
  sample();
  clearInterval(timer);
  const treeCpu = [...last.values()].reduce((a, b) => a + b, 0) / TICKS;
  const u = process.cpuUsage();
  process.stdout.write(JSON.stringify({ treeCpu, ownCpu: (u.user + u.system) / 1e6 }) + '\n');
});
