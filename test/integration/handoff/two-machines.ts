/**
 * Two machines for handoff tests: this process's user with its own HOME is the source
 * ("laptop"), and the real sshd's test user with a second HOME is the target ("desk").
 * The target runs this checkout's bin/happier through a `happier` wrapper on its PATH, so
 * the source finds an installed happier there, as a user's desktop would have.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import type { Session } from '../../../src/domain/session.js';
import { HAPPIER_BIN, runHappier, type CliRun } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

const fixture = (name: string) => fileURLToPath(new URL(`../lifecycle/fixtures/${name}`, import.meta.url));
const REAL_CLAUDE = fileURLToPath(new URL('../../fixtures/real/claude/projects/-home-dev-project/e3fe963b-03cf-4b37-9f68-c2fed0cf91b6.jsonl', import.meta.url));
const REAL_ID = 'e3fe963b-03cf-4b37-9f68-c2fed0cf91b6';

export interface TwoMachines {
  readonly peer: SshdPeer;
  readonly dir: string;
  readonly srcHome: string;
  readonly env: Record<string, string>;
  readonly targetHome: string;
  readonly targetHappierHome: string;
  run(args: string[], extra?: Record<string, string>): Promise<CliRun>;
  json(args: string[], extra?: Record<string, string>): Promise<{ code: number | null; stderr: string; body: any }>;
  /** Runs happier on the target as its user, over the system ssh client. */
  onTarget(args: string[]): { code: number | null; stdout: string; stderr: string };
  /** The next agent started on the target honours this failpoint (test-only), until cleared. */
  targetFailpoint(spec: string | null): void;
  /** How the fake providers on the target behave (FAKE_MODE), until cleared. */
  targetFakeMode(mode: string | null): void;
  /** A real Claude transcript on the source with a fresh id, for a session in `cwd`. */
  claudeTranscript(cwd: string): { vendorId: string; path: string; bytes: Buffer };
  /** Registers a synced session owned by the source. */
  addSession(over: Partial<Session>): Session;
  sourceSession(id: string): Session | undefined;
  targetSessions(): any[];
  /** Leftovers of any handoff under the target's home and HAPPIER_HOME, and the source's. */
  leftovers(): string[];
  stop(): Promise<void>;
}

/** A real Claude transcript (its secret word is TANGERINE-4417) under another id and cwd. */
export function realClaudeTranscript(vendorId: string, cwd: string): string {
  // The cwd goes inside JSON strings, escaped as Claude writes it; a raw quote would break the lines.
  return readFileSync(REAL_CLAUDE, 'utf8').split(REAL_ID).join(vendorId).split('/home/dev/project').join(JSON.stringify(cwd).slice(1, -1));
}

export async function twoMachines(prefix: string): Promise<TwoMachines> {
  const tmp = tempDir(prefix);
  chmodSync(tmp.path, 0o755);
  const dir = tmp.path;
  const bin = join(dir, 'peer-bin');
  mkdirSync(bin);
  const peer = await startSshd({ path: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':') });
  const targetHome = peer.home;
  const targetHappierHome = join(targetHome, '.happier');
  writeFileSync(
    join(bin, 'happier'),
    [
      '#!/bin/sh',
      'export HAPPIER_HOME="$HOME/.happier"',
      'export HAPPIER_TMUX_SOCKET="$HOME/tmux.sock"',
      `export HAPPIER_CLAUDE_BIN=${fixture('fake-claude.mjs')}`,
      `export HAPPIER_CODEX_BIN=${fixture('fake-codex.mjs')}`,
      'export CODEX_HOME="$HOME/.codex"',
      'export FAKE_LOG="$HOME/launches.jsonl"',
      'export HAPPIER_START_WATCH_MS=400',
      'export HAPPIER_STOP_STEP_MS=400',
      'if [ -f "$HOME/failpoint" ]; then export HAPPIER_FAILPOINT="$(cat "$HOME/failpoint")"; fi',
      'if [ -f "$HOME/fake-mode" ]; then export FAKE_MODE="$(cat "$HOME/fake-mode")"; fi',
      `exec ${process.execPath} ${HAPPIER_BIN} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'happier'), 0o755);

  const srcHome = join(dir, 'laptop');
  mkdirSync(join(srcHome, '.claude'), { recursive: true });
  claudeSetUp({ HOME: srcHome });
  claudeSetUp({ HOME: targetHome });
  for (const f of ['.claude', '.claude.json']) peer.chown(join(targetHome, f));
  const env: Record<string, string> = {
    HOME: srcHome,
    HAPPIER_HOME: join(srcHome, '.happier'),
    HAPPIER_KNOWN_HOSTS: join(dir, 'known_hosts'),
    HAPPIER_SSH_CONFIG: join(dir, 'ssh_config'),
    HAPPIER_CONNECT_TIMEOUT_MS: '10000',
    HAPPIER_TMUX_SOCKET: join(dir, 'laptop-tmux.sock'),
    HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
    HAPPIER_CODEX_BIN: fixture('fake-codex.mjs'),
    HAPPIER_OPENCODE_BIN: fixture('fake-opencode.mjs'),
    CODEX_HOME: join(srcHome, '.codex'),
    XDG_DATA_HOME: join(srcHome, '.local', 'share'),
    FAKE_LOG: join(dir, 'laptop-launches.jsonl'),
    HAPPIER_START_WATCH_MS: '400',
    HAPPIER_STOP_STEP_MS: '400',
    NO_COLOR: '1',
  };
  writeFileSync(env.HAPPIER_KNOWN_HOSTS!, peer.knownHostsLine + '\n');
  writeFileSync(env.HAPPIER_SSH_CONFIG!, `Host desk\n  HostName 127.0.0.1\n  Port ${peer.port}\n  User ${peer.user}\n  IdentityFile ${peer.clientKey}\n`);

  const run = (args: string[], extra: Record<string, string> = {}) => runHappier(args, { ...env, ...extra }, { cwd: srcHome });
  const json = async (args: string[], extra: Record<string, string> = {}) => {
    const r = await run([...args, '--json'], extra);
    let body: any = null;
    try {
      body = JSON.parse(r.stdout);
    } catch {
      body = { raw: r.stdout };
    }
    return { code: r.code, stderr: r.stderr, body };
  };
  const added = await run(['machine', 'add', 'desk', 'desk']);
  if (added.code !== 0) throw new Error(`machine add failed: ${added.stderr}`);

  const onTarget = (args: string[]) => {
    const r = spawnSync(
      'ssh',
      [
        '-i', peer.clientKey, '-p', String(peer.port), '-o', `UserKnownHostsFile=${env.HAPPIER_KNOWN_HOSTS}`, '-o', 'BatchMode=yes',
        '-o', 'StrictHostKeyChecking=yes', `${peer.user}@127.0.0.1`, 'happier', ...args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`),
      ],
      { encoding: 'utf8' },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  const reg = () => openRegistry(env.HAPPIER_HOME!);
  return {
    peer,
    dir,
    srcHome,
    env,
    targetHome,
    targetHappierHome,
    run,
    json,
    onTarget,
    targetFailpoint: (spec) => {
      const f = join(targetHome, 'failpoint');
      if (spec) {
        writeFileSync(f, spec);
        peer.chown(f);
      } else if (existsSync(f)) execFileSync('rm', ['-f', f]);
    },
    targetFakeMode: (mode) => {
      const f = join(targetHome, 'fake-mode');
      if (mode) {
        writeFileSync(f, mode);
        peer.chown(f);
      } else if (existsSync(f)) execFileSync('rm', ['-f', f]);
    },
    claudeTranscript: (cwd) => {
      const vendorId = randomUUID();
      const text = realClaudeTranscript(vendorId, cwd);
      const projectDir = join(srcHome, '.claude', 'projects', claudeSlug(cwd));
      mkdirSync(projectDir, { recursive: true });
      const path = join(projectDir, `${vendorId}.jsonl`);
      writeFileSync(path, text);
      return { vendorId, path, bytes: Buffer.from(text) };
    },
    addSession: (over) => {
      const r = reg();
      try {
        const s = makeSession({ ownerMachineId: r.machineId, ...over });
        new SessionsRepo(r).insert(s);
        return s;
      } finally {
        r.close();
      }
    },
    sourceSession: (id) => {
      const r = reg();
      try {
        return new SessionsRepo(r).get(id);
      } finally {
        r.close();
      }
    },
    targetSessions: () => {
      const r = onTarget(['session', 'list', '--all', '--json']);
      if (r.code !== 0) throw new Error(`session list on the target failed: ${r.stderr}`);
      return JSON.parse(r.stdout).data.sessions;
    },
    leftovers: () => {
      const found: string[] = [];
      const walk = (d: string, depth: number) => {
        if (depth > 6 || !existsSync(d)) return;
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (/^\.happier-(handoff|import)-|\.happier-staging-|^\.happier-tmp-/.test(e.name)) found.push(p);
          if (e.isDirectory() && !e.isSymbolicLink() && e.name !== 'node_modules') walk(p, depth + 1);
        }
      };
      walk(targetHome, 0);
      walk(srcHome, 0);
      const staged = join(targetHappierHome, 'handoff');
      if (existsSync(staged)) for (const n of readdirSync(staged)) found.push(join(staged, n));
      return found;
    },
    stop: async () => {
      for (const sock of [env.HAPPIER_TMUX_SOCKET!, join(targetHome, 'tmux.sock')]) {
        spawnSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
      }
      await peer.stop();
      tmp.cleanup();
    },
  };
}

