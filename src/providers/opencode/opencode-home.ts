import { isAbsolute, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** OpenCode's data folder: $XDG_DATA_HOME/opencode, default ~/.local/share/opencode. */
export function opencodeDataDir(env: Env, homeDir: string): string {
  return join(env.XDG_DATA_HOME || join(homeDir, '.local', 'share'), 'opencode');
}

/** OPENCODE_DB overrides the database; a relative value is taken inside the data folder, as OpenCode does. */
export function opencodeDbPath(env: Env, homeDir: string): string {
  const override = env.OPENCODE_DB;
  if (override) return isAbsolute(override) ? override : join(opencodeDataDir(env, homeDir), override);
  return join(opencodeDataDir(env, homeDir), 'opencode.db');
}

/** The JSON layout of OpenCode 1.1 and earlier. */
export function opencodeStorageDir(env: Env, homeDir: string): string {
  return join(opencodeDataDir(env, homeDir), 'storage');
}

export function opencodeBinary(env: Env): string {
  return env.HAPPIER_OPENCODE_BIN || 'opencode';
}
