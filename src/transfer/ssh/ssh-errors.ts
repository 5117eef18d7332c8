/**
 * The failures of an SSH login, as HappierErrors whose hints fit the cause and name the
 * real host and machine. Both transports build their errors here. Pure.
 */
import { HappierError } from '../../domain/errors.js';
import { hostLabel, type SshHost } from './ssh-host.js';

export type OfflineReason = 'unknown-host' | 'refused' | 'timeout' | 'unreachable' | 'closed';

/** Who is being reached, for hints: the machine's name in happier and what was typed. */
export interface LoginContext {
  readonly host: SshHost;
  readonly machine: string;
  readonly target: string;
}

/** A name that does not resolve is a wrong address, not a machine that is off: HOST_UNRESOLVED. */
export function offline(c: LoginContext, reason: OfflineReason, message: string, cause?: unknown): HappierError {
  return new HappierError(reason === 'unknown-host' ? 'HOST_UNRESOLVED' : 'MACHINE_OFFLINE', message, {
    hint: offlineHint(c.host, reason),
    details: { reason, host: c.host.alias, machine: c.machine },
    cause,
  });
}

function offlineHint(h: SshHost, reason: OfflineReason): string {
  switch (reason) {
    case 'unknown-host':
      return `the name ${h.hostName} does not resolve: check its spelling (HostName for ${h.alias} in your ssh config), DNS, or /etc/hosts`;
    case 'refused':
      return `${h.hostName} answers but nothing listens on port ${h.port}: start its SSH server, or fix the Port for ${h.alias}`;
    case 'timeout':
      return `check that ${h.alias} is on and on the network, and that no firewall drops port ${h.port}`;
    case 'unreachable':
      return `there is no route to ${h.hostName}: check this machine's network or VPN, and that ${h.alias} is on`;
    case 'closed':
      return `${h.alias} dropped the connection while logging in: check its SSH server's log (AllowUsers, MaxStartups, fail2ban)`;
  }
}

export function authFailed(c: LoginContext, offered: string, cause?: unknown): HappierError {
  const h = c.host;
  return new HappierError('SSH_FAILED', `${h.user}@${hostLabel(h)} refused every key offered${offered ? ` (${offered})` : ''}`, {
    hint: `check the user name (${h.user}), load your key into ssh-agent or pass \`--identity FILE\`, or add your public key to ~${h.user}/.ssh/authorized_keys on ${h.alias}`,
    details: { reason: 'auth', host: h.alias, machine: c.machine },
    cause,
  });
}

export function sshFailed(c: LoginContext, reason: string, message: string, cause?: unknown): HappierError {
  return new HappierError('SSH_FAILED', message, {
    hint: `run \`ssh -v ${c.host.alias} true\` to see why, or set HAPPIER_DEBUG=1`,
    details: { reason, host: c.host.alias, machine: c.machine },
    cause,
  });
}

/** `name` is the known_hosts name the key was looked up under (a jump host's, maybe). */
export function hostKeyUnknown(c: LoginContext, name: string, fingerprint: string | null, knownHosts: string | null): HappierError {
  const fp = fingerprint ?? 'a key';
  return new HappierError('HOST_KEY_UNKNOWN', `the host key of ${whose(c, name)} is not known: ${fp}`, {
    hint:
      `if ${fp} is really that machine's key, run \`happier machine trust ${c.machine}\`, ` +
      `or \`happier machine add ${c.machine} ${c.target} --accept-new-host-key\` when adding it`,
    details: { reason: 'host-key-unknown', host: name, machine: c.machine, fingerprint, knownHosts },
  });
}

export interface ChangedKey {
  readonly name: string;
  readonly fingerprint: string | null;
  /** Where the key on record is, as OpenSSH reports it. */
  readonly file: string | null;
  readonly line: number | null;
  readonly revoked?: boolean;
}

export function hostKeyChanged(c: LoginContext, k: ChangedKey): HappierError {
  const where = k.file ? `${k.file}${k.line ? ` line ${k.line}` : ''}` : 'known_hosts';
  const fp = k.fingerprint ?? 'a different key';
  if (k.revoked) {
    return new HappierError('HOST_KEY_CHANGED', `the host key of ${whose(c, k.name)} is REVOKED (${fp}, marked @revoked in ${where})`, {
      hint: `do not connect: ${c.host.alias} offers a key that was revoked; ask its administrator for the current key`,
      details: { reason: 'host-key-revoked', host: k.name, machine: c.machine, fingerprint: k.fingerprint, knownHosts: k.file, line: k.line },
    });
  }
  const remove = k.file ? `\`ssh-keygen -R '${k.name}' -f ${k.file}\`` : `\`ssh-keygen -R '${k.name}'\``;
  return new HappierError('HOST_KEY_CHANGED', `the host key of ${whose(c, k.name)} has CHANGED: it offers ${fp}, ${where} records another`, {
    hint:
      `someone may be intercepting the connection; if ${c.host.alias} was reinstalled, check ${fp} with its owner, ` +
      `remove the old key with ${remove}${k.line ? ` (or delete line ${k.line})` : ''}, then run \`happier machine trust ${c.machine}\``,
    details: { reason: 'host-key-changed', host: k.name, machine: c.machine, fingerprint: k.fingerprint, knownHosts: k.file, line: k.line },
  });
}

/** The target itself, or a jump host on the way to it. */
function whose(c: LoginContext, name: string): string {
  const h = c.host;
  const own = [h.hostName, h.alias, h.hostKeyAlias ?? h.hostName].flatMap((n) => [n, `[${n}]:${h.port}`]);
  return own.includes(name) ? `${h.alias} (${name})` : `${name}, a jump host on the way to ${h.alias}`;
}
