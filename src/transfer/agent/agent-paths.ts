import { isAbsolute, normalize } from 'node:path';
import { HappierError } from '../../domain/errors.js';

/**
 * A path the other side names on this machine: absolute (or `~/…`), spelled once (no `.`,
 * `..` or doubled separators) and free of NUL. Paths inside a synced tree are checked by
 * tree sync against its destination instead (domain/path-safety).
 */
export function agentPath(path: unknown, homeDir: string): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0') || path.length > 4096) {
    throw unsafe(String(path), 'empty, too long or contains NUL');
  }
  const expanded = path === '~' ? homeDir : path.startsWith('~/') ? homeDir + path.slice(1) : path;
  if (!isAbsolute(expanded)) throw unsafe(path, 'not absolute');
  if (expanded.split('/').some((s) => s === '..' || s === '.')) throw unsafe(path, 'contains . or ..');
  const norm = normalize(expanded);
  return norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
}

function unsafe(path: string, why: string): HappierError {
  return new HappierError('UNSAFE_PATH', `refused the path ${JSON.stringify(path.slice(0, 200))}: ${why}`, {
    hint: 'the peer asked for a path happier does not accept; update happier on both machines',
    details: { path: path.slice(0, 200) },
  });
}
