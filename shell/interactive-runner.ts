import { spawn } from 'node:child_process';

/**
 * Runs a program on this process's own terminal (tmux attach takes it over) and
 * resolves with its exit code once the user leaves it.
 */
export function runOnTerminal(
  bin: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: 'inherit', env: env as NodeJS.ProcessEnv });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}
