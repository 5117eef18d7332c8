// `happier handoff` over the real sshd, phase by phase, once over the system OpenSSH
// client and once over the ssh2 fallback (HAPPIER_SSH_TRANSPORT): (a) a session with a
// 50 MB Claude transcript and no workspace, (b) the same with a 100 MB workspace. The
// login row is `happier machine ping` (connect, authenticate, start the agent, hello).
// Yardsticks measured in the same run over the same sshd: the transcript piped through
// `ssh cat` for (a), and `rsync -a` of the transcript plus the workspace for (b).
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
import { printTable } from './timing.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'happier-bench-handoff-'));
chmodSync(work, 0o755);
const TRANSCRIPT_MB = Number(process.env.BENCH_TRANSCRIPT_MB ?? 50);
const WORKSPACE_MB = Number(process.env.BENCH_WORKSPACE_MB ?? 100);

const harness = join(work, 'sshd.mjs');
await build({ entryPoints: [join(root, 'test/helpers/sshd.ts')], outfile: harness, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent' });
const { startSshd } = await import(harness);
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
  if (r.status !== 0) throw new Error(`happier ${args.join(' ')} failed: ${r.stderr}`);
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
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { input, maxBuffer: 1 << 26, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
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
      const cwd = join(home, 'code', `${withWorkspace ? 'with-ws' : 'no-ws'}-${transport}`);
      mkdirSync(cwd, { recursive: true });
      if (withWorkspace) workspace(cwd, WORKSPACE_MB);
      const t = transcript(cwd, TRANSCRIPT_MB);
      const id = session(cwd, t.id);
      const r = happier(['handoff', id, '--to', 'desk', '--json', ...(withWorkspace ? ['--workspace'] : ['--no-workspace'])], transport);
      const data = JSON.parse(r.stdout).data;
      const yard = withWorkspace
        ? timed(['rsync', '-a', '-e', sshCmd, `${cwd}/`, `${peer.user}@127.0.0.1:${join(peer.home, `rsync-ws-${transport}`)}/`]) +
          timed(['rsync', '-a', '-e', sshCmd, t.path, `${peer.user}@127.0.0.1:${join(peer.home, 'rsync-transcript.jsonl')}`])
        : timed([...sshCmd.split(' '), `${peer.user}@127.0.0.1`, 'cat > /dev/null'], readFileSync(t.path));
      const tm = data.timingsMs;
      rows.push({
        scenario: withWorkspace ? `${TRANSCRIPT_MB} MB transcript + ${WORKSPACE_MB} MB workspace` : `${TRANSCRIPT_MB} MB transcript, no workspace`,
        transport,
        'login (machine ping)': s(logins[transport]),
        'preparing the target': s(tm.prepare),
        'moving the session state': s(tm.move),
        'resuming on the target': s(tm.resume),
        'updating ownership': s(tm.commit),
        'happier total': s(r.ms),
        yardstick: `${s(yard)} (${withWorkspace ? 'rsync -a' : 'ssh cat'})`,
        'move / yardstick': `${(tm.move / yard).toFixed(2)}x`,
      });
    }
  }
  printTable(rows);
} finally {
  for (const sock of [env.HAPPIER_TMUX_SOCKET, join(peer.home, 'tmux.sock')]) spawnSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
  await peer.stop();
  rmSync(work, { recursive: true, force: true });
}
