import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, openJson, seal, sealJson, sessionAssociatedData } from '../../../src/server/e2e-envelope.js';

const key = randomBytes(32);

describe('the AEAD envelope', () => {
  it('round-trips, with a fresh nonce each time', () => {
    const ad = sessionAssociatedData('s1', 'm1', 3);
    const a = seal(key, 'refactor the parser', ad);
    const b = seal(key, 'refactor the parser', ad);
    expect(a).not.toBe(b);
    expect(open(key, a, ad).toString()).toBe('refactor the parser');
    expect(openJson(key, sealJson(key, { title: 't', cwd: '/p' }, ad), ad)).toEqual({ title: 't', cwd: '/p' });
  });

  it('holds no plaintext', () => {
    const sealed = seal(key, 'secret title /home/dev/project', 'ad');
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('secret');
    expect(sealed).not.toContain('secret');
  });

  it('refuses a blob moved to another session, owner or epoch', () => {
    const sealed = seal(key, 'x', sessionAssociatedData('s1', 'm1', 3));
    for (const ad of [sessionAssociatedData('s2', 'm1', 3), sessionAssociatedData('s1', 'm2', 3), sessionAssociatedData('s1', 'm1', 2)]) {
      expect(() => open(key, sealed, ad)).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    }
  });

  it('refuses a wrong key, a flipped byte and a truncated blob', () => {
    const sealed = seal(key, 'hello', 'ad');
    expect(() => open(randomBytes(32), sealed, 'ad')).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    const raw = Buffer.from(sealed, 'base64url');
    raw[15]! ^= 1;
    expect(() => open(key, raw.toString('base64url'), 'ad')).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    expect(() => open(key, sealed.slice(0, 20), 'ad')).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
  });
});
