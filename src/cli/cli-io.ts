import { homedir } from 'node:os';

/** What the CLI needs from the process it runs in; tests pass their own. */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdinIsTTY: boolean;
  readonly cwd: string;
  readonly homeDir: string;
  now(): Date;
}

/**
 * The width a table must fit: the terminal's when stdout is one, else COLUMNS, else
 * none at all, so piped output is never cut.
 */
export function outputWidth(io: CliIO): number | null {
  if (io.stdout.isTTY && io.stdout.columns) return io.stdout.columns;
  const cols = Number(io.env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? cols : null;
}

/** The real process's streams, environment and clock. */
export function processIO(): CliIO {
  // A reader that stops early (`| head`) closes the pipe: the rest is not wanted, and that
  // is no failure to show with a stack trace. The command still runs to its end, since a
  // handoff must not stop half way because its report went unread.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: !!process.stdin.isTTY,
    cwd: process.cwd(),
    homeDir: homedir(),
    now: () => new Date(),
  };
}
