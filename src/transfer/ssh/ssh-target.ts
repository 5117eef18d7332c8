/** What a user types as an ssh target, and how it reaches OpenSSH's argv. Pure. */
import { HappierError } from '../../domain/errors.js';

export interface SshTarget {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
}

/** `user@host`, `host`, `host:port`, `[v6]:port`, `ssh://user@host:port`. */
export function parseSshTarget(text: string): SshTarget {
  let rest = text.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    rest = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(rest);
    if (m) {
      rest = m[1]!;
      port = Number(m[2]);
    }
  }
  return { ...(user ? { user } : {}), host: rest, ...(port ? { port } : {}) };
}

/**
 * `-l user -p port -- host`: OpenSSH has no `host:port` form, and a host that starts
 * with `-` must never be read as an option.
 */
export function destinationArgs(target: SshTarget): string[] {
  if (!target.host || target.host.startsWith('-') || /\s/.test(target.host) || (target.user !== undefined && target.user.startsWith('-'))) {
    throw new HappierError('USAGE', `not an ssh target: ${JSON.stringify(target.user ? `${target.user}@${target.host}` : target.host)}`, {
      hint: 'use user@host, host:port, or a Host alias from your ssh config',
    });
  }
  return [...(target.user ? ['-l', target.user] : []), ...(target.port ? ['-p', String(target.port)] : []), '--', target.host];
}
