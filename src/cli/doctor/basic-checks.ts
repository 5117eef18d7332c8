import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS } from '../../domain/agent.js';
import { fail, ok, warn, type Finding } from '../../domain/doctor-finding.js';
import { isHappierError } from '../../domain/errors.js';
import type { ProcessRunner } from '../../domain/process-runner.js';
import { LATEST_VERSION } from '../../store/migrations.js';
import { openRegistry, REGISTRY_FILE } from '../../store/registry.js';
import { findExecutable } from '../../../shell/find-executable.js';

type Env = Readonly<Record<string, string | undefined>>;

const BIN_ENV: Record<string, string> = { claude: 'HAPPIER_CLAUDE_BIN', codex: 'HAPPIER_CODEX_BIN', opencode: 'HAPPIER_OPENCODE_BIN' };

async function versionOf(runner: ProcessRunner, bin: string, args: string[]): Promise<string | null> {
  const r = await runner.run(bin, args, { timeoutMs: 10_000 });
  if (r.code !== 0) return null;
  return (r.stdout || r.stderr).trim().split('\n')[0] ?? '';
}

export async function checkTmux(env: Env, runner: ProcessRunner): Promise<Finding> {
  const bin = env.HAPPIER_TMUX_BIN || 'tmux';
  const path = findExecutable(bin, env);
  if (!path) {
    return fail('tmux', `tmux not found (${bin})`, 'install tmux (e.g. `apt install tmux` or `brew install tmux`), or set HAPPIER_TMUX_BIN');
  }
  const v = await versionOf(runner, path, ['-V']);
  return v ? ok('tmux', `${v} at ${path}`) : warn('tmux', `${path} did not report a version`, 'check that tmux runs: `tmux -V`');
}

export async function checkSsh(env: Env, runner: ProcessRunner): Promise<Finding> {
  const path = findExecutable('ssh', env);
  if (!path) {
    return warn('ssh', 'the ssh client was not found', 'install OpenSSH; `happier attach` to other machines prints `ssh -t` lines that need it');
  }
  const r = await runner.run(path, ['-V'], { timeoutMs: 10_000 });
  return ok('ssh', `${(r.stderr || r.stdout).trim().split('\n')[0]} at ${path}`);
}

export async function checkProviders(env: Env, runner: ProcessRunner): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const agent of AGENTS) {
    const bin = env[BIN_ENV[agent]!] || agent;
    const path = findExecutable(bin, env);
    if (!path) {
      out.push(warn(`provider ${agent}`, `${agent} CLI not found (${bin})`, `install ${agent}, or set ${BIN_ENV[agent]} to its path; happier can still list its sessions`));
      continue;
    }
    const v = await versionOf(runner, path, ['--version']);
    out.push(
      v === null
        ? warn(`provider ${agent}`, `${path} failed to report a version`, `run \`${bin} --version\` to see why`)
        : ok(`provider ${agent}`, `${v} at ${path}`),
    );
  }
  return out;
}

export function checkRegistry(home: string): Finding {
  const path = join(home, REGISTRY_FILE);
  if (!existsSync(path)) return ok('registry', `no registry yet at ${path}; it is created on first use`);
  try {
    const reg = openRegistry(home);
    try {
      const problems = reg.db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
      const bad = problems.filter((p) => p.quick_check !== 'ok');
      if (bad.length) {
        return fail('registry', `${path} failed its integrity check: ${bad[0]!.quick_check}`, 'restore it from a backup, or move it aside and let happier start a new one');
      }
      const version = reg.db.pragma('user_version', { simple: true }) as number;
      return ok('registry', `${path}, schema ${version} of ${LATEST_VERSION}, integrity ok`);
    } finally {
      reg.close();
    }
  } catch (err) {
    if (isHappierError(err)) return fail('registry', err.message, err.hint ?? 'see `happier doctor --json` for details');
    return fail('registry', `cannot check ${path}: ${(err as Error).message}`, 'set HAPPIER_DEBUG=1 and run again for details');
  }
}
