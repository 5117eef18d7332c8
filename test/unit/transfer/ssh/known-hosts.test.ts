import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, knownHostsName, parseKnownHosts, verifyHostKey } from '../../../../src/transfer/ssh/known-hosts.js';

function keyBlob(type: string, payload: string): Buffer {
  const t = Buffer.from(type);
  const p = Buffer.from(payload);
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([len(t.length), t, len(p.length), p]);
}

const key = keyBlob('ssh-ed25519', 'the-real-key-bytes-000000000000');
const other = keyBlob('ssh-ed25519', 'an-impostor-key-bytes-111111111');
const rsa = keyBlob('ssh-rsa', 'rsa-key');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts verification', () => {
  it('uses [host]:port for ports other than 22', () => {
    expect(knownHostsName('box', 22)).toBe('box');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('knows a plain or a hashed entry with the same key', () => {
    const b64 = key.toString('base64');
    expect(verifyHostKey(parseKnownHosts(`box,alias ssh-ed25519 ${b64}`), ['alias'], key)).toEqual({ kind: 'known' });
    expect(verifyHostKey(parseKnownHosts(`${hashed('[h]:2222')} ssh-ed25519 ${b64}`), ['[h]:2222'], key)).toEqual({ kind: 'known' });
    expect(verifyHostKey(parseKnownHosts(`${hashed('[h]:2222')} ssh-ed25519 ${b64}`), ['h'], key)).toEqual({ kind: 'unknown' });
  });

  it('calls a different key of the same type a change, and a key of another type unknown', () => {
    const entries = parseKnownHosts(`[h]:2222 ssh-ed25519 ${other.toString('base64')}\n# comment\n`);
    expect(verifyHostKey(entries, ['[h]:2222'], key).kind).toBe('changed');
    expect(verifyHostKey(entries, ['[h]:2222'], rsa).kind).toBe('unknown');
  });

  it('honours negated patterns and @revoked markers', () => {
    const b64 = key.toString('base64');
    expect(verifyHostKey(parseKnownHosts(`*.lan,!evil.lan ssh-ed25519 ${b64}`), ['evil.lan'], key).kind).toBe('unknown');
    expect(verifyHostKey(parseKnownHosts(`@revoked * ssh-ed25519 ${b64}\nbox ssh-ed25519 ${b64}`), ['box'], key).kind).toBe('revoked');
  });

  it('prints fingerprints as ssh-keygen does', () => {
    expect(fingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
