import { findExecutable } from '../../../shell/find-executable.js';

type Env = Readonly<Record<string, string | undefined>>;

const PROVIDERS = [
  { name: 'claude', env: 'HAPPIER_CLAUDE_BIN' },
  { name: 'codex', env: 'HAPPIER_CODEX_BIN' },
  { name: 'opencode', env: 'HAPPIER_OPENCODE_BIN' },
] as const;

/** Where a provider CLI would run from: its override variable when set, else PATH; null when not executable. */
export function providerPath(name: (typeof PROVIDERS)[number]['name'], env: Env): string | null {
  const p = PROVIDERS.find((x) => x.name === name)!;
  const override = env[p.env];
  return override ? findExecutable(override, env) : findExecutable(p.name, env);
}

/** Which provider CLIs this machine could run: an override variable, else an executable on PATH. */
export function providersOnPath(env: Env): string[] {
  return PROVIDERS.filter((p) => providerPath(p.name, env) !== null).map((p) => p.name);
}
