import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HAPPIER_BIN = fileURLToPath(new URL('../../bin/happier', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `happier` binary as a user would, with only the environment given. */
export function runHappier(
  args: readonly string[],
  env: Record<string, string | undefined>,
  opts: { cwd?: string; input?: string; uid?: number; gid?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAPPIER_BIN, ...args], {
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env } as NodeJS.ProcessEnv,
      cwd: opts.cwd,
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(opts.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
