/**
 * known_hosts as OpenSSH writes it: plain (`host1,host2 type key`) and hashed
 * (`|1|salt|hmac`) host fields, `[host]:port` for ports other than 22, `!` negation,
 * and `@revoked` markers. `@cert-authority` lines are ignored. Pure.
 */
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  readonly hosts: string;
  readonly keyType: string;
  readonly keyBase64: string;
  readonly revoked: boolean;
}

export type HostKeyVerdict =
  | { readonly kind: 'known' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'changed'; readonly knownTypes: readonly string[] }
  | { readonly kind: 'revoked' };

/** The name OpenSSH looks up: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]!.startsWith('@')) {
      if (fields[0] === '@revoked') revoked = true;
      else continue;
      fields.shift();
    }
    if (fields.length < 3) continue;
    out.push({ hosts: fields[0]!, keyType: fields[1]!, keyBase64: fields[2]!, revoked });
  }
  return out;
}

export function entryMatchesHost(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    // `[` and `]` are literal in known_hosts (the port form), so they were not escaped above; escape now.
    const re = new RegExp(`^${body.replace(/\[/g, '\\[').replace(/\]/g, '\\]')}$`, 'i');
    if (re.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** `key` is the server's public key blob (SSH wire format), as ssh2 hands it to a host verifier. */
export function verifyHostKey(entries: readonly KnownHostEntry[], names: readonly string[], key: Buffer): HostKeyVerdict {
  const keyBase64 = key.toString('base64');
  const type = keyTypeOf(key);
  const forHost = entries.filter((e) => names.some((n) => entryMatchesHost(e.hosts, n)));
  if (forHost.some((e) => e.revoked && e.keyBase64 === keyBase64)) return { kind: 'revoked' };
  if (forHost.some((e) => !e.revoked && e.keyBase64 === keyBase64)) return { kind: 'known' };
  const sameType = forHost.filter((e) => !e.revoked && e.keyType === type);
  if (sameType.length > 0) return { kind: 'changed', knownTypes: sameType.map((e) => e.keyType) };
  return { kind: 'unknown' };
}

/** Host key algorithms already on record for the host, so the server is asked for one we can check. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const types = new Set<string>();
  for (const e of entries) if (!e.revoked && names.some((n) => entryMatchesHost(e.hosts, n))) types.add(e.keyType);
  return [...types];
}

/** The key's algorithm name, the first string in its wire encoding. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

export function knownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key)} ${key.toString('base64')}`;
}
