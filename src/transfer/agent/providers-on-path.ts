import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const PROVIDERS = [
  { name: 'claude', env: 'HAPPIER_CLAUDE_BIN' },
  { name: 'codex', env: 'HAPPIER_CODEX_BIN' },
  { name: 'opencode', env: 'HAPPIER_OPENCODE_BIN' },
] as const;

/** Which provider CLIs this machine could run: an override variable, else an executable on PATH. */
export function providersOnPath(env: Readonly<Record<string, string | undefined>>): string[] {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return PROVIDERS.filter((p) => {
    const override = env[p.env];
    if (override) return executable(override);
    return dirs.some((d) => executable(join(d, p.name)));
  }).map((p) => p.name);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
