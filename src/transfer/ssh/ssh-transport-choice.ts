/**
 * Which SSH client happier uses: the system OpenSSH client whenever there is one, so the
 * user's config, agent and known_hosts mean what they mean to `ssh`; ssh2 only where none
 * is installed, or when HAPPIER_SSH_TRANSPORT=ssh2 asks for it (benchmarks compare both).
 */
import { HappierError } from '../../domain/errors.js';

export type TransportChoice =
  | { readonly kind: 'openssh'; readonly sshPath: string; readonly why: string }
  | { readonly kind: 'ssh2'; readonly why: string };

type Env = Readonly<Record<string, string | undefined>>;
export type FindExecutable = (name: string, env: Env) => string | null;

/** What execvp(3) searches when PATH is unset. */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

export function searchPath(env: Env): string {
  return env.PATH ?? DEFAULT_PATH;
}

export function chooseTransport(env: Env, find: FindExecutable): TransportChoice {
  const forced = env.HAPPIER_SSH_TRANSPORT ?? '';
  if (forced !== '' && forced !== 'openssh' && forced !== 'ssh2') {
    throw new HappierError('USAGE', `HAPPIER_SSH_TRANSPORT=${forced} is not a transport`, { hint: 'use openssh or ssh2, or unset it' });
  }
  if (forced === 'ssh2') return { kind: 'ssh2', why: 'ssh2 fallback: forced by HAPPIER_SSH_TRANSPORT=ssh2' };
  const sshPath = find('ssh', { ...env, PATH: searchPath(env) });
  if (sshPath) return { kind: 'openssh', sshPath, why: forced ? 'forced by HAPPIER_SSH_TRANSPORT=openssh' : 'found on PATH' };
  if (forced === 'openssh') {
    throw new HappierError('SSH_FAILED', 'HAPPIER_SSH_TRANSPORT=openssh, but no ssh client is on PATH', {
      hint: 'install OpenSSH (e.g. `apt install openssh-client`), or unset HAPPIER_SSH_TRANSPORT',
      details: { reason: 'no-ssh-client' },
    });
  }
  return { kind: 'ssh2', why: 'ssh2 fallback: no OpenSSH client on PATH' };
}
