import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../shell-quote.js';

type Env = Readonly<Record<string, string | undefined>>;

// tmux sets its own in the pane; the shell recomputes the rest from where it really runs.
const NOT_CARRIED = new Set(['TMUX', 'TMUX_PANE', 'PWD', 'OLDPWD', 'SHLVL', '_']);
const SH_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The pane's environment as `export NAME='value'` lines for `sh`'s `.`. */
export function envFileText(env: Env): string {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && SH_NAME.test(e[0]) && !NOT_CARRIED.has(e[0]))
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
}

/**
 * The pane's first program: it clears what the tmux server's own environment would leak
 * in, loads the file, deletes it, and execs the provider, which so keeps the pane's pid.
 */
const LOADER =
  'exec env -i TMUX="$TMUX" TMUX_PANE="$TMUX_PANE" /bin/sh -c \'. "$0" || exit 126; rm -rf -- "${0%/*}"; exec "$@"\' "$0" "$@"';

/** The pane argv that starts `argv` with the environment in `file`, alone in its directory. */
export function envFileArgv(file: string, argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', LOADER, file, ...argv];
}

export interface EnvFile {
  readonly path: string;
  remove(): void;
}

/**
 * Writes `env` where only this user can read it (a fresh 0700 directory, a 0600 file), so
 * API keys reach the pane without ever being on an argv that `ps` shows every user.
 */
export function writeEnvFile(env: Env, dir: string = tmpdir()): EnvFile {
  const holder = mkdtempSync(join(dir, 'happier-env-'));
  const path = join(holder, 'env');
  writeFileSync(path, envFileText(env), { mode: 0o600 });
  return { path, remove: () => rmSync(holder, { recursive: true, force: true }) };
}
