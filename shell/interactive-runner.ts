import { spawn } from 'node:child_process';

export interface TerminalExit {
  readonly code: number;
  /** The last of what the program wrote on stderr, when asked for (`keepStderr`); else ''. */
  readonly stderr: string;
}

const STDERR_KEPT = 8 * 1024;

/**
 * Runs a program on this process's own terminal (tmux attach takes it over) and
 * resolves with its exit code once the user leaves it. With `keepStderr` its stderr
 * still reaches the terminal as it comes, and its tail is kept: ssh says there why it
 * could not connect. Only for programs that draw on stdout (ssh -t), never tmux attach.
 */
export function runOnTerminal(
  bin: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  opts: { keepStderr?: boolean } = {},
): Promise<TerminalExit> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['inherit', 'inherit', opts.keepStderr ? 'pipe' : 'inherit'], env: env as NodeJS.ProcessEnv });
    let kept = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      process.stderr.write(d);
      kept = (kept + d).slice(-STDERR_KEPT);
    });
    child.on('error', () => resolve({ code: 127, stderr: kept }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr: kept }));
  });
}
