/**
 * Reads what `ssh -v` wrote while logging in: the host keys it added to known_hosts, and,
 * when it exited 255, why, as a HappierError that fits the cause. Pure; the wording is
 * OpenSSH's own (sshconnect.c, ssh.c, channels.c), stable for many releases.
 */
import type { HappierError } from '../../domain/errors.js';
import { authFailed, hostKeyChanged, hostKeyUnknown, offline, sshFailed, type LoginContext, type OfflineReason } from './ssh-errors.js';

const SERVER_KEY = /^debug1: Server host key: \S+ (SHA256:[A-Za-z0-9+/=]+)/;
const ADDED = /^Warning: Permanently added '([^']+)'/;

/** Fingerprints (`SHA256:…`) of the keys this login recorded in known_hosts. */
export function keysAdded(stderr: string): string[] {
  const out: string[] = [];
  let last: string | null = null;
  for (const line of lines(stderr)) {
    const key = SERVER_KEY.exec(line);
    if (key) last = key[1]!;
    else if (ADDED.test(line) && last && !out.includes(last)) out.push(last);
  }
  return out;
}

export interface FailureContext extends LoginContext {
  /** The known_hosts file happier told OpenSSH to use, if any. */
  readonly knownHostsFile: string | null;
}

export function classifyLoginFailure(stderr: string, c: FailureContext): HappierError {
  const all = lines(stderr);
  const text = all.join('\n');
  const plain = all.filter((l) => !/^(debug\d: |OpenSSH_|Warning: Permanently)/.test(l));
  const where = `${c.host.alias} (${c.host.hostName}:${c.host.port})`;
  let m: RegExpExecArray | null;

  if ((m = /host key for (\S+) has changed and you have requested strict checking/i.exec(text)) || /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(text)) {
    const offending = /Offending \S+ key in (.+):(\d+)/.exec(text);
    const sent = /key sent by the remote host is\s*\n(?:debug\d: .*\n)*\s*(SHA256:[A-Za-z0-9+/=]+)/.exec(text);
    return hostKeyChanged(c, {
      name: m?.[1] ?? c.host.hostName,
      fingerprint: sent?.[1] ?? lastServerKey(all, all.length),
      file: offending?.[1] ?? c.knownHostsFile,
      line: offending ? Number(offending[2]) : null,
    });
  }
  if ((m = /host key for (\S+) was revoked and you have requested strict checking/i.exec(text)) || /REVOKED HOST KEY DETECTED/.test(text)) {
    return hostKeyChanged(c, { name: m?.[1] ?? c.host.hostName, fingerprint: lastServerKey(all, all.length), file: c.knownHostsFile, line: null, revoked: true });
  }
  const unknownAt = all.findIndex((l) => /^No \S+ host key is known for \S+ and you have requested strict checking/.test(l) || l === 'Host key verification failed.');
  if (unknownAt >= 0) {
    const name = /known for (\S+) and/.exec(all[unknownAt]!)?.[1] ?? c.host.hostName;
    return hostKeyUnknown(c, name, lastServerKey(all, unknownAt), c.knownHostsFile);
  }
  if ((m = /Permission denied \(([^)]*)\)/.exec(text)) || (m = /(Too many authentication failures)/.exec(text))) {
    return authFailed(c, m[1]!);
  }
  if ((m = /Could not resolve hostname (\S+?): (.+)/.exec(text))) {
    return offline(c, 'unknown-host', `cannot resolve ${m[1]} (${m[2]}), the address of ${c.host.alias}`);
  }
  // Through a jump host the failure to reach the target comes back as a failed channel.
  if ((m = /channel \d+: open failed: [^:]+: (.+)/.exec(text)) && /stdio forwarding failed/.test(text)) {
    const why = m[1]!;
    return offline(c, reasonOf(why) ?? 'unreachable', `the jump host (${c.host.proxyJump.join(', ')}) could not reach ${c.host.hostName}:${c.host.port}: ${why}`);
  }
  if ((m = /connect to host (\S+) port (\d+): (.+)/.exec(text))) {
    const reason = reasonOf(m[3]!) ?? 'unreachable';
    return offline(c, reason, `${m[1]}:${m[2]} (${c.host.alias}): ${m[3]}`);
  }
  if (/Connection timed out during banner exchange|Operation timed out|Connection timed out/.test(text)) {
    return offline(c, 'timeout', `${where} did not answer in time`);
  }
  if (/Connection closed by|Connection reset by|kex_exchange_identification/.test(text)) {
    return offline(c, 'closed', `${where} closed the connection before the login finished`);
  }
  const config = plain.find((l) => /^\S.* line \d+: /.test(l) || l.startsWith("Can't open user config file"));
  if (config) return sshFailed(c, 'config', `the ssh config for ${c.host.alias} is not valid: ${config}`);
  const said = plain.pop();
  return sshFailed(c, 'ssh', `ssh to ${where} failed: ${said ?? 'no message'}`);
}

function reasonOf(why: string): OfflineReason | null {
  if (/Connection refused/i.test(why)) return 'refused';
  if (/timed out/i.test(why)) return 'timeout';
  if (/No route to host|Network is unreachable/i.test(why)) return 'unreachable';
  if (/Name or service not known|nodename nor servname|Temporary failure in name resolution|Could not resolve/i.test(why)) return 'unknown-host';
  return null;
}

/** The fingerprint of the last server key seen before line `before`. */
function lastServerKey(all: readonly string[], before: number): string | null {
  for (let i = before - 1; i >= 0; i--) {
    const k = SERVER_KEY.exec(all[i]!);
    if (k) return k[1]!;
  }
  return null;
}

function lines(stderr: string): string[] {
  return stderr.split(/\r?\n/).map((l) => l.trimEnd()).filter(Boolean);
}
