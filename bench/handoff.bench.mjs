// `happier handoff` over the real sshd, phase by phase, once over the system OpenSSH
// client and once over the ssh2 fallback (HAPPIER_SSH_TRANSPORT): (a) a session with a
// 50 MB Claude transcript and no workspace, (b) the same with a 100 MB workspace. The
// login row is `happier machine ping` (connect, authenticate, start the agent, hello).
// Yardsticks measured in the same run over the same sshd, alternating with the handoffs
// (a fresh session each time): the transcript piped through `ssh host cat > f` for (a),
// and `rsync -a` of the workspace plus the transcript for (b). Over OpenSSH the move
// phase's ratios are recorded for `bench/run.mjs --json` as handoff-state and
// handoff-workspace: medians of BENCH_RUNS (5) pairs, with the CPU seconds of both ends
// (the whole handoff command's beside the yardstick's). The ssh2 fallback gets
// BENCH_SSH2_RUNS (1) runs, for the table only.
//
// The sshd harness is the tests' own (test/helpers/sshd.ts), compiled on the fly with
// esbuild; happier is the built bin/happier on both sides (the target reaches it through
// a `happier` wrapper on the test user's PATH, with its own HAPPIER_HOME).
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { measure } from './cpu-clock.mjs';
import { alternate, cpu, printTable, recordRatio } from './timing.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'happier-bench-handoff-'));
chmodSync(work, 0o755);
const TRANSCRIPT_MB = Number(process.env.BENCH_TRANSCRIPT_MB ?? 50);
const WORKSPACE_MB = Number(process.env.BENCH_WORKSPACE_MB ?? 100);

const harness = join(work, 'sshd.mjs');
await build({ entryPoints: [join(root, 'test/helpers/sshd.ts')], outfile: harness, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent' });
const { startSshd } = await import(harness);
const setupHarness = join(work, 'claude-setup.mjs');
await build({ entryPoints: [join(root, 'test/helpers/claude-setup.ts')], outfile: setupHarness, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent' });
const { claudeSetUp } = await import(setupHarness);
const { openRegistry } = await import(join(root, 'dist/src/store/registry.js'));
const { SessionsRepo } = await import(join(root, 'dist/src/store/sessions-repo.js'));
const { claudeSlug } = await import(join(root, 'dist/src/providers/claude/claude-slug.js'));

const fake = join(root, 'test/integration/lifecycle/fixtures/fake-claude.mjs');
const bin = join(work, 'peer-bin');
mkdirSync(bin);
const peer = await startSshd({ path: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':') });
writeFileSync(
  join(bin, 'happier'),
  [
    '#!/bin/sh',
    'export HAPPIER_HOME="$HOME/.happier"',
    'export HAPPIER_TMUX_SOCKET="$HOME/tmux.sock"',
    `export HAPPIER_CLAUDE_BIN=${fake}`,
    'export FAKE_LOG="$HOME/launches.jsonl"',
    'export HAPPIER_START_WATCH_MS=300',
    `exec ${process.execPath} ${join(root, 'bin/happier')} "$@"`,
    '',
  ].join('\n'),
);
chmodSync(join(bin, 'happier'), 0o755);

const home = join(work, 'laptop');
mkdirSync(home);
// Both ends' claude past its first run and logged in, or the handoff stops at PROVIDER_LOGIN.
claudeSetUp({ HOME: home });
claudeSetUp({ HOME: peer.home });
spawnSync('chown', ['-R', `${peer.user}:`, join(peer.home, '.claude'), join(peer.home, '.claude.json')]);
const knownHosts = join(work, 'known_hosts');
writeFileSync(knownHosts, peer.knownHostsLine + '\n');
const env = {
  PATH: process.env.PATH,
  HOME: home,
  LANG: 'C.UTF-8',
  HAPPIER_HOME: join(home, '.happier'),
  HAPPIER_KNOWN_HOSTS: knownHosts,
  HAPPIER_SSH_CONFIG: join(work, 'ssh_config'),
  HAPPIER_TMUX_SOCKET: join(work, 'laptop.sock'),
  HAPPIER_CLAUDE_BIN: fake,
  FAKE_LOG: join(work, 'launches.jsonl'),
};
writeFileSync(env.HAPPIER_SSH_CONFIG, `Host desk\n  HostName 127.0.0.1\n  Port ${peer.port}\n  User ${peer.user}\n  IdentityFile ${peer.clientKey}\n`);
const happier = (args, transport = 'openssh') => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/happier'), ...args], {
    env: { ...env, HAPPIER_SSH_TRANSPORT: transport },
    cwd: home,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`happier ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return { ...r, ms: performance.now() - t0 };
};
const sshCmd = `ssh -p ${peer.port} -i ${peer.clientKey} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`;

/** A real-shaped Claude transcript of about `mb` MB: the fixture's records, repeated with fresh uuids. */
function transcript(cwd, mb) {
  const fixture = readFileSync(join(root, 'test/fixtures/real/claude/projects/-home-dev-project/e3fe963b-03cf-4b37-9f68-c2fed0cf91b6.jsonl'), 'utf8');
  const id = randomUUID();
  const lines = fixture.split('e3fe963b-03cf-4b37-9f68-c2fed0cf91b6').join(id).split('/home/dev/project').join(cwd).trim().split('\n');
  const filler = 'x'.repeat(2000);
  const out = [...lines];
  let size = lines.reduce((n, l) => n + l.length + 1, 0);
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const rec = JSON.stringify({ type: 'user', sessionId: id, cwd, uuid: randomUUID(), timestamp: new Date().toISOString(), message: { role: 'user', content: `turn ${i} ${filler}` } });
    out.push(rec);
    size += rec.length + 1;
  }
  const dir = join(home, '.claude', 'projects', claudeSlug(cwd));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.jsonl`);
  writeFileSync(path, out.join('\n') + '\n');
  return { id, path };
}

function session(cwd, vendorId) {
  const reg = openRegistry(env.HAPPIER_HOME);
  try {
    const at = new Date().toISOString();
    const id = randomUUID();
    new SessionsRepo(reg).insert({ id, agent: 'claude', backend: 'cli', vendorSessionId: vendorId, title: 'bench', cwd, ownerMachineId: reg.machineId, createdAt: at, updatedAt: at, lastActivityAt: at });
    return id;
  } finally {
    reg.close();
  }
}

function workspace(dir, mb) {
  const files = 400;
  const each = Math.floor((mb * 1024 * 1024) / files);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `pkg-${i % 20}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file-${i}.bin`), randomBytes(each));
  }
}

function timed(argv, input) {
  const r = spawnSync(argv[0], argv.slice(1), { input, maxBuffer: 1 << 26, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SSH2_RUNS = Number(process.env.BENCH_SSH2_RUNS ?? 1);

/** One fresh session to hand off: its cwd (with the workspace or not) and its transcript. */
function fixture(name, withWorkspace) {
  const cwd = join(home, 'code', name);
  mkdirSync(cwd, { recursive: true });
  if (withWorkspace) workspace(cwd, WORKSPACE_MB);
  const t = transcript(cwd, TRANSCRIPT_MB);
  return { cwd, transcript: t, id: session(cwd, t.id) };
}

/** What the same bytes cost with the plain tools, to fresh destinations on the peer. */
function yardstick(f, withWorkspace, tag) {
  const to = (p) => `${peer.user}@127.0.0.1:${join(peer.home, p)}`;
  return measure(
    () => {
      if (withWorkspace) {
        timed(['rsync', '-a', '-e', sshCmd, `${f.cwd}/`, `${to(`rsync-ws-${tag}`)}/`]);
        timed(['rsync', '-a', '-e', sshCmd, f.transcript.path, to(`rsync-transcript-${tag}.jsonl`)]);
      } else {
        timed([...sshCmd.split(' '), `${peer.user}@127.0.0.1`, `cat > ${join(peer.home, `cat-transcript-${tag}.jsonl`)}`], readFileSync(f.transcript.path));
      }
    },
    { remotePid: peer.pid },
  );
}

/** The handoff, whose `ms` is its move phase; wall and phases ride along. */
function handoff(f, withWorkspace, transport) {
  return measure(
    () => {
      const r = happier(['handoff', f.id, '--to', 'desk', '--json', withWorkspace ? '--workspace' : '--no-workspace'], transport);
      const tm = JSON.parse(r.stdout).data.timingsMs;
      return { ms: tm.move, wallMs: r.ms, phases: tm };
    },
    { remotePid: peer.pid },
  );
}

/** Drops a pair's copies on both sides, so 5 runs of 100 MB do not pile up. */
function cleanUp(f, tag) {
  rmSync(f.cwd, { recursive: true, force: true });
  rmSync(f.transcript.path, { force: true });
  for (const p of [`rsync-ws-${tag}`, `rsync-transcript-${tag}.jsonl`, `cat-transcript-${tag}.jsonl`]) rmSync(join(peer.home, p), { recursive: true, force: true });
}

try {
  happier(['machine', 'add', 'desk', 'desk']);
  const rows = [];
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const TRANSPORTS = ['openssh', 'ssh2'];
  const logins = {};
  for (const transport of TRANSPORTS) {
    const runs = [1, 2, 3].map(() => happier(['machine', 'ping', 'desk', '--json'], transport).ms);
    logins[transport] = runs.sort((a, b) => a - b)[1];
  }

  for (const withWorkspace of [false, true]) {
    for (const transport of TRANSPORTS) {
      const scenario = withWorkspace ? 'with-ws' : 'no-ws';
      let f;
      const st = await alternate(
        transport === 'openssh' ? RUNS : SSH2_RUNS,
        (i) => {
          f = fixture(`${scenario}-${transport}-${i}`, withWorkspace);
          return yardstick(f, withWorkspace, `${transport}-${i}`);
        },
        async (i) => {
          const r = await handoff(f, withWorkspace, transport);
          cleanUp(f, `${transport}-${i}`);
          return r;
        },
      );
      const mid = [...st.ours.runs].sort((a, b) => a.ms - b.ms)[Math.floor(st.ours.runs.length / 2)];
      const tm = mid.phases;
      rows.push({
        scenario: withWorkspace ? `${TRANSCRIPT_MB} MB transcript + ${WORKSPACE_MB} MB workspace` : `${TRANSCRIPT_MB} MB transcript, no workspace`,
        transport,
        runs: st.ours.runs.length,
        'login (machine ping)': s(logins[transport]),
        'preparing the target': s(tm.prepare),
        'moving the session state': `${s(st.ours.median)} (${s(st.ours.min)}-${s(st.ours.max)})`,
        'resuming on the target': s(tm.resume),
        'updating ownership': s(tm.commit),
        'happier total': s(mid.wallMs),
        yardstick: `${s(st.yardstick.median)} (${s(st.yardstick.min)}-${s(st.yardstick.max)}, ${withWorkspace ? 'rsync -a' : 'ssh cat > f'})`,
        'move / yardstick (min-max)': `${st.ratio.toFixed(2)} (${st.minRatio.toFixed(2)}-${st.maxRatio.toFixed(2)})`,
        'happier cpu local+remote': `${cpu(st.ours.localCpu)} + ${cpu(st.ours.remoteCpu)}`,
        'yardstick cpu local+remote': `${cpu(st.yardstick.localCpu)} + ${cpu(st.yardstick.remoteCpu)}`,
      });
      if (transport !== 'openssh') continue;
      if (withWorkspace) recordRatio('handoff-workspace', `rsync -a of the ${WORKSPACE_MB} MB workspace and the transcript over the same sshd (move phase)`, st, 1.2);
      else recordRatio('handoff-state', `ssh host cat > f of the ${TRANSCRIPT_MB} MB transcript over the same sshd (move phase)`, st, 1.1);
    }
  }
  printTable(rows);
  console.log('(CPU is the median of user+system seconds of the whole handoff command and of the yardstick: local = this process\'s children, remote = what the peer\'s sshd ran)');
} finally {
  for (const sock of [env.HAPPIER_TMUX_SOCKET, join(peer.home, 'tmux.sock')]) spawnSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
  await peer.stop();
  rmSync(work, { recursive: true, force: true });
}
