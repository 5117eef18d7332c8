import { join } from 'node:path';

/**
 * Where happier keeps its state: HAPPIER_HOME when set; else ~/.happier if it exists;
 * else $XDG_DATA_HOME/happier when XDG_DATA_HOME is set; else ~/.happier.
 */
export function resolveHappierHome(
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
  exists: (path: string) => boolean,
): string {
  if (env.HAPPIER_HOME) return env.HAPPIER_HOME;
  const classic = join(homeDir, '.happier');
  if (exists(classic)) return classic;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'happier');
  return classic;
}
