import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

/**
 * The installed package's folder and version, found by climbing from this file to the
 * package.json named happier. It works the same from the bundle and from dist/src.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let url = new URL('.', import.meta.url); ; url = new URL('..', url)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'happier') return (cached = { root: fileURLToPath(url), version: pkg.version });
    } catch {
      // not here; keep climbing
    }
    if (url.pathname === '/') return (cached = { root: fileURLToPath(new URL('.', import.meta.url)), version: '0.0.0' });
  }
}
