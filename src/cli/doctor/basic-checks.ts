import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS } from '../../domain/agent.js';
import { fail, ok, warn, type Finding } from '../../domain/doctor-finding.js';
import { isHappierError } from '../../domain/errors.js';
import { PROVIDER_CLIS, providerInstallHint } from '../../domain/provider-install.js';
import { claudeNotSetUp, claudeSetupGap } from '../../domain/claude-setup.js';
import { claudeSetupFacts } from '../../providers/claude/claude-setup-facts.js';
import type { ProcessRunner } from '../../domain/process-runner.js';
import { LATEST_VERSION } from '../../store/migrations.js';
import { openRegistry, REGISTRY_FILE } from '../../store/registry.js';
import { findExecutable } from '../../../shell/find-executable.js';
import { chooseTransport, type TransportChoice } from '../../transfer/ssh/ssh-transport-choice.js';

type Env = Readonly<Record<string, string | undefined>>;

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

/** Which SSH client carries connections to peers, and why that one. */
export async function checkSsh(env: Env, runner: ProcessRunner): Promise<Finding> {
  let choice: TransportChoice;
  try {
    choice = chooseTransport(env, findExecutable);
  } catch (err) {
    if (isHappierError(err)) return fail('ssh', err.message, err.hint ?? 'unset HAPPIER_SSH_TRANSPORT');
    throw err;
  }
  if (choice.kind === 'ssh2') {
    return warn(
      'ssh',
      choice.why,
      env.HAPPIER_SSH_TRANSPORT === 'ssh2'
        ? 'unset HAPPIER_SSH_TRANSPORT to use OpenSSH and your whole ssh config'
        : 'install OpenSSH (e.g. `apt install openssh-client`): the fallback reads only Host, HostName, User, Port, IdentityFile, ProxyJump and Include from your ssh config',
    );
  }
  const r = await runner.run(choice.sshPath, ['-V'], { timeoutMs: 10_000 });
  const version = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
  if (!version.startsWith('OpenSSH')) {
    return warn('ssh', `${choice.sshPath} does not say it is OpenSSH (${version || `exit ${r.code}`})`, 'happier drives ssh with OpenSSH options (ControlMaster, -G); put OpenSSH first on PATH');
  }
  return ok('ssh', `OpenSSH transport: ${version} at ${choice.sshPath} (${choice.why})`);
}

export async function checkProviders(env: Env, runner: ProcessRunner, homeDir: string): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const agent of AGENTS) {
    const bin = env[PROVIDER_CLIS[agent].binEnv] || agent;
    const path = findExecutable(bin, env);
    if (!path) {
      out.push(warn(`provider ${agent}`, `${agent} CLI not found (${bin})`, `${providerInstallHint(agent)}; happier can still list its sessions`));
      continue;
    }
    const v = await versionOf(runner, path, ['--version']);
    out.push(
      v === null
        ? warn(`provider ${agent}`, `${path} failed to report a version`, `run \`${bin} --version\` to see why`)
        : ok(`provider ${agent}`, `${v} at ${path}`),
    );
    if (agent === 'claude') out.push(claudeSetupFinding(env, homeDir, runner));
  }
  return out;
}

/** Whether an interactive claude would start, or stop at its first-run or login dialog. */
function claudeSetupFinding(env: Env, homeDir: string, runner: ProcessRunner): Finding {
  const gap = claudeSetupGap(claudeSetupFacts({ env, homeDir, runner }));
  if (!gap) return ok('claude set-up', 'first-run set-up done, logged in');
  const err = claudeNotSetUp(gap);
  return warn('claude set-up', err.message, `${err.hint!}; \`happier new\` refuses until then`);
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
