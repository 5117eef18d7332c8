import type { ProcessRunner, RunOptions, RunResult } from '../src/domain/process-runner.js';

/** Runs a program without a shell; argv goes through as given, never re-parsed. */
export const nodeProcessRunner: ProcessRunner = {
  async run(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    // Loaded on first use: child_process brings net and more, which a command that
    // never spawns (a list with nothing running) should not pay for at start-up.
    const { spawn } = await import('node:child_process');
    return new Promise((resolve) => {
      const child = spawn(bin, args, {
        cwd: opts.cwd,
        env: opts.env ? (opts.env as NodeJS.ProcessEnv) : process.env,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        timeout: opts.timeoutMs,
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      if (opts.input !== undefined) {
        // A program that exits without reading its input (ssh that cannot connect) closes
        // the pipe: EPIPE here is its business, and its exit code says what happened.
        child.stdin!.on('error', () => {});
        child.stdin!.end(opts.input);
      }
      child.on('error', (err: NodeJS.ErrnoException) =>
        resolve({ code: err.code === 'ENOENT' ? 127 : 126, signal: null, stdout, stderr: stderr + err.message }),
      );
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  },
};
