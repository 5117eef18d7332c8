import type { ProcessRunner } from '../../src/domain/process-runner.js';

type Env = Readonly<Record<string, string | undefined>>;

const UTF8 = /\.utf-?8(@|$)/i;
// C.UTF-8 changes nothing but the character set; the others are the usual fallbacks.
const PREFERRED = ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8'];

/** The locale whose character set a process in `env` uses, as POSIX resolves it. */
export function effectiveCtype(env: Env): string {
  return env.LC_ALL || env.LC_CTYPE || env.LANG || 'C';
}

/** The UTF-8 locale to give a pane, from `locale -a`'s list; null when the machine has none. */
export function chooseUtf8Locale(available: readonly string[]): string | null {
  const set = new Set(available);
  return PREFERRED.find((l) => set.has(l)) ?? available.find((l) => UTF8.test(l)) ?? null;
}

/**
 * `env` with a UTF-8 character set, so a provider's full-screen UI renders even when
 * happier was started by ssh, cron or systemd without a locale. A caller's UTF-8 locale
 * is kept as it is.
 */
export function withUtf8Locale(env: Env, available: readonly string[]): Env {
  if (UTF8.test(effectiveCtype(env))) return env;
  const locale = chooseUtf8Locale(available);
  if (!locale) return env;
  const out: Record<string, string | undefined> = { ...env, LANG: UTF8.test(env.LANG ?? '') ? env.LANG : locale, LC_CTYPE: locale };
  delete out.LC_ALL;
  return out;
}

let installed: Promise<string[]> | undefined;

/** This machine's locales, asked once per process. */
export function installedLocales(runner: ProcessRunner): Promise<string[]> {
  installed ??= runner.run('locale', ['-a'], { timeoutMs: 5_000 }).then(
    (r) => (r.code === 0 ? r.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : []),
    () => [],
  );
  return installed;
}
