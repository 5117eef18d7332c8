import type { ProcessRunner } from '../../src/domain/process-runner.js';
import { HappierError } from '../../src/domain/errors.js';
import { escapeTmuxArgument, escapeTmuxFormat } from './tmux-argv.js';
import { paneTarget, runTmux, type TmuxServer } from './tmux-server.js';

export interface TmuxLaunch {
  readonly sessionName: string;
  readonly cwd: string;
  /** The program and its arguments; never a shell string. */
  readonly argv: readonly string[];
  /** The pane's whole environment beyond what tmux sets itself (TMUX, TMUX_PANE). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Variables tmux owns inside a pane; copying ours would point the pane at the wrong client. */
const TMUX_OWNED = new Set(['TMUX', 'TMUX_PANE']);

/**
 * The tmux argv that starts `launch` detached.
 *
 * - The program goes after `--` as separate arguments, so tmux execs it without a shell.
 *   tmux hands a single argument to `sh -c`, so the program is always preceded by `env`,
 *   which then execs it: the pane's process is still the provider itself.
 * - The environment goes with `-e`: an already running server would otherwise give the
 *   pane its own stale environment instead of the caller's.
 * - `remain-on-exit` is switched on in the same tmux command list, which tmux runs before
 *   it reaps any child. A provider that fails at once therefore leaves a dead pane with
 *   its output, which `watchEarlyExit` reads and then removes. The alternative,
 *   `pipe-pane` to a log file, is attached only after the program started, so it misses
 *   exactly the fast failures it is meant to catch; the option is set on the new
 *   session's window by exact name, never on the caller's "current" window.
 */
export function newSessionArgs(launch: TmuxLaunch): string[] {
  const env = Object.entries(launch.env)
    .filter((e): e is [string, string] => e[1] !== undefined && !TMUX_OWNED.has(e[0]) && !e[0].includes('='))
    .flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return [
    'new-session',
    '-d',
    '-s',
    launch.sessionName,
    '-c',
    escapeTmuxFormat(launch.cwd),
    ...env,
    '--',
    'env',
    '--',
    ...launch.argv.map(escapeTmuxArgument),
    ';',
    'set-option',
    '-w',
    '-t',
    paneTarget(launch.sessionName),
    'remain-on-exit',
    'on',
  ];
}

export async function launchInTmux(runner: ProcessRunner, server: TmuxServer, launch: TmuxLaunch): Promise<void> {
  if (launch.argv.length === 0) throw new Error('launchInTmux needs a program to run');
  if (launch.argv[0]!.includes('=')) {
    // `env` would take such a program name for a variable assignment.
    throw new HappierError('USAGE', `cannot run a program whose path contains "=": ${launch.argv[0]}`, {
      hint: 'point HAPPIER_<AGENT>_BIN at a path without "="',
    });
  }
  const res = await runTmux(runner, server, newSessionArgs(launch), { env: launch.env });
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
