import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProcessRunner } from '../../src/domain/process-runner.js';
import { HappierError } from '../../src/domain/errors.js';
import { escapeTmuxArgument, escapeTmuxFormat, statusLeft } from './tmux-argv.js';
import { envFileArgv, writeEnvFile, type EnvFile } from './tmux-env-file.js';
import { paneTarget, runTmux, type TmuxServer } from './tmux-server.js';

export interface TmuxLaunch {
  readonly sessionName: string;
  readonly cwd: string;
  /** The program and its arguments; never a shell string. */
  readonly argv: readonly string[];
  /** The pane's whole environment beyond what tmux sets itself (TMUX, TMUX_PANE). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The session's title, shown beside its name on the status line. */
  readonly title?: string;
}

/**
 * The tmux argv that starts `launch` detached, its environment loaded from `envFile`.
 *
 * - The program goes after `--` as separate arguments, so tmux execs it without a shell
 *   string; the loader in front of it execs it in turn, so the pane's process is still
 *   the provider itself.
 * - The environment comes from a file only this user can read, never from `-e K=V`,
 *   which would put API keys on an argv that every local user sees in `ps`. Loading it
 *   after `env -i` also keeps an already running server's stale environment out.
 * - `remain-on-exit` is switched on in the same tmux command list, which tmux runs before
 *   it reaps any child. A provider that fails at once therefore leaves a dead pane with
 *   its output, which `watchEarlyExit` reads and then removes. The alternative,
 *   `pipe-pane` to a log file, is attached only after the program started, so it misses
 *   exactly the fast failures it is meant to catch; the option is set on the new
 *   session's window by exact name, never on the caller's "current" window.
 */
export function newSessionArgs(launch: TmuxLaunch, envFile: string): string[] {
  const status = statusLeft(launch.sessionName, launch.title ?? '');
  return [
    'new-session',
    '-d',
    '-s',
    launch.sessionName,
    '-c',
    escapeTmuxFormat(launch.cwd),
    '--',
    ...envFileArgv(envFile, launch.argv).map(escapeTmuxArgument),
    ';',
    'set-option',
    '-w',
    '-t',
    paneTarget(launch.sessionName),
    'remain-on-exit',
    'on',
    ';',
    'set-option',
    '-t',
    paneTarget(launch.sessionName),
    'status-left',
    escapeTmuxArgument(status.format),
    ';',
    'set-option',
    '-t',
    paneTarget(launch.sessionName),
    'status-left-length',
    String(status.length),
  ];
}

/**
 * Starts the pane. The returned env file is gone once the pane has loaded it; removing it
 * again after the start watch covers a pane that never got that far.
 */
export async function launchInTmux(
  runner: ProcessRunner,
  server: TmuxServer,
  launch: TmuxLaunch,
  makeEnvFile: (env: TmuxLaunch['env']) => EnvFile = writeEnvFile,
): Promise<EnvFile> {
  if (launch.argv.length === 0) throw new Error('launchInTmux needs a program to run');
  // With -S tmux creates only the socket, not the private directory it would make for
  // its default one.
  if (server.socket) mkdirSync(dirname(server.socket), { recursive: true, mode: 0o700 });
  const envFile = makeEnvFile(launch.env);
  try {
    await startSession(runner, server, launch, envFile.path);
  } catch (err) {
    envFile.remove();
    throw err;
  }
  return envFile;
}

async function startSession(runner: ProcessRunner, server: TmuxServer, launch: TmuxLaunch, envFile: string): Promise<void> {
  // The tmux client gets only what it needs to reach its server: a server it starts
  // inherits the client's environment, so the provider's keys stay out of it too.
  const res = await runTmux(runner, server, newSessionArgs(launch, envFile), { env: clientEnv(launch.env) });
  if (res.code !== 0 && /duplicate session/.test(res.stderr)) {
    // Another happier started the same session between our look and our launch.
    throw new HappierError('ALREADY_ACTIVE', `tmux session ${launch.sessionName} was started by someone else just now`, {
      hint: '`happier session list --active` shows what runs now',
    });
  }
  if (res.code !== 0) {
    throw new HappierError('TMUX_FAILED', `tmux could not start ${launch.sessionName}: ${res.stderr.trim() || `exit ${res.code}`}`, {
      hint: 'check that tmux works here (`tmux new-session -d` by hand)',
    });
  }
}

/** What a tmux client needs from the caller's environment; the rest goes through the env file. */
export function clientEnv(env: TmuxLaunch['env']): Record<string, string | undefined> {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMUX_TMPDIR', 'TERM', 'LANG', 'LC_ALL', 'LC_CTYPE'];
  return Object.fromEntries(keep.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}
