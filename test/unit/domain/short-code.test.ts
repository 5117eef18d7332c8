import { describe, expect, it } from 'vitest';
import { HappierError } from '../../../src/domain/errors.js';
import { bytesForGroups, codeFromBytes, CROCKFORD_ALPHABET, parseCode, parseLookup } from '../../../src/domain/short-code.js';

describe('short codes', () => {
  it('formats 60 random bits as three groups of four Crockford characters', () => {
    expect(bytesForGroups(3)).toBe(8);
    const code = codeFromBytes(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0]), 3);
    expect(code).toEqual({ text: '0000-0000-0000', lookup: '0000', secret: '00000000' });
    const ones = codeFromBytes(Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255]), 3);
    expect(ones.text).toBe('ZZZZ-ZZZZ-ZZZZ');
  });

  it('never uses the ambiguous letters I, L, O or U', () => {
    expect(CROCKFORD_ALPHABET).not.toMatch(/[ILOU]/);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: 8 }, () => Math.floor(Math.random() * 256));
      expect(codeFromBytes(bytes, 3).text).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    }
  });

  it('reads what a person typed: lower case, spaces, look-alike letters', () => {
    const typed = parseCode(' ab1d efgh-jkmo ', 3);
    expect(typed).toEqual({ text: 'AB1D-EFGH-JKM0', lookup: 'AB1D', secret: 'EFGHJKM0' });
    expect(parseCode('abld-efgh-jkmn', 3).lookup).toBe('AB1D');
    expect(parseCode('ABID-EFGH-JKMN', 3).lookup).toBe('AB1D');
  });

  it('round-trips every generated code through the parser', () => {
    const code = codeFromBytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 4);
    expect(parseCode(code.text.toLowerCase(), 4)).toEqual(code);
  });

  it('rejects a wrong length or a U as a USAGE error with an example', () => {
    for (const bad of ['ABCD-EFGH', 'ABCD-EFGH-JKMN-PQRS', 'ABCU-EFGH-JKMN', '']) {
      const err = (() => {
        try {
          parseCode(bad, 3);
        } catch (e) {
          return e as HappierError;
        }
      })();
      expect(err).toBeInstanceOf(HappierError);
      expect(err!.code).toBe('USAGE');
      expect(err!.hint).toContain('ABCD-EFGH-JKMN');
    }
  });

  it('takes either the whole code or its first group for a lookup', () => {
    expect(parseLookup('abcd-efgh-jkmn')).toBe('ABCD');
    expect(parseLookup('abcd')).toBe('ABCD');
    expect(() => parseLookup('ab')).toThrow(HappierError);
  });
});
