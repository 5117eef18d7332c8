import { describe, expect, it } from 'vitest';
import { parseCode } from '../../../src/domain/short-code.js';
import { deriveCodeKeys, lookupHash, proofVerifier, verifierMatches } from '../../../src/server/code-keys.js';

describe('code key derivation', () => {
  const code = parseCode('ABCD-EFGH-JKMN', 3);

  it('is deterministic for one code and purpose', async () => {
    const a = await deriveCodeKeys('pair', code);
    const b = await deriveCodeKeys('pair', parseCode('abcd efgh jkmn', 3));
    expect(a.payloadKey.equals(b.payloadKey)).toBe(true);
    expect(a.proof).toBe(b.proof);
    expect(a.lookupHash).toBe(lookupHash('pair', 'ABCD'));
  });

  it('gives independent keys per secret and per purpose', async () => {
    const a = await deriveCodeKeys('pair', code);
    const otherSecret = await deriveCodeKeys('pair', parseCode('ABCD-EFGH-JKMP', 3));
    expect(otherSecret.lookupHash).toBe(a.lookupHash);
    expect(otherSecret.payloadKey.equals(a.payloadKey)).toBe(false);
    const link = await deriveCodeKeys('link', parseCode('ABCD-EFGH-JKMN-PQRS', 4));
    expect(link.lookupHash).not.toBe(a.lookupHash);
    expect(a.payloadKey.equals(Buffer.from(a.proof, 'base64url'))).toBe(false);
  });

  it('lets the server check a proof against a stored hash only', async () => {
    const a = await deriveCodeKeys('pair', code);
    const stored = proofVerifier(a.proof);
    expect(stored).not.toContain(a.proof);
    expect(verifierMatches(a.proof, stored)).toBe(true);
    expect(verifierMatches(a.proof.slice(1) + 'A', stored)).toBe(false);
  });
});
