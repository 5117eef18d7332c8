/**
 * Why an `ssh` that happier ran for the user (ssh -t for attach and resume, ssh -T for a
 * send, pair claim) exited 255, read from what ssh wrote on stderr. Pure.
 */
import type { HappierError } from '../../domain/errors.js';
import { classifyLoginFailure } from './openssh-diagnostics.js';
import { parseSshTarget } from './ssh-target.js';

/**
 * The error that fits a cause the user must fix before trying again (a name that does
 * not resolve, an unknown or changed host key, a refused key), or null when ssh only
 * says the machine did not answer, which the caller reports as MACHINE_OFFLINE.
 */
export function sshRunFailure(stderr: string, machine: string, sshTarget: string): HappierError | null {
  const t = parseSshTarget(sshTarget);
  // ssh names the address it looked up; the alias alone may be a Host block's name.
  // …and whom it logged in as: `ana@10.0.0.7: Permission denied (publickey).`
  const denied = /^(\S+?)@(\S+): Permission denied/m.exec(stderr);
  const hostName = /Could not resolve hostname (\S+?):/.exec(stderr)?.[1] ?? denied?.[2] ?? t.host;
  const user = denied?.[1] ?? t.user ?? 'your user';
  const err = classifyLoginFailure(stderr, {
    host: { alias: t.host, hostName, port: t.port ?? 22, user, identityFiles: [], proxyJump: [] },
    machine,
    target: sshTarget,
    knownHostsFile: null,
  });
  return err.code === 'MACHINE_OFFLINE' || (err.code === 'SSH_FAILED' && err.details.reason !== 'auth') ? null : err;
}
