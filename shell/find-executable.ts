import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The path `name` would run as (like `command -v`), or null. A path with a slash is checked as given. */
export function findExecutable(name: string, env: Readonly<Record<string, string | undefined>>): string | null {
  const candidates = name.includes('/') || isAbsolute(name)
    ? [name]
    : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // keep looking
    }
  }
  return null;
}
