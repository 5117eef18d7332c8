import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Codex keeps everything under CODEX_HOME, default ~/.codex. */
export function codexRoot(env: Env, homeDir: string): string {
  return env.CODEX_HOME || join(homeDir, '.codex');
}

export function codexBinary(env: Env): string {
  return env.HAPPIER_CODEX_BIN || 'codex';
}

/** Codex's thread index; the `5` is its schema generation, so another number means another layout. */
export function codexStateDbPath(root: string): string {
  return join(root, 'state_5.sqlite');
}
