import { describe, expect, it } from 'vitest';
import { happierErrorOf } from '../../helpers/happier-error.js';
import { selectSession, shortestUniquePrefixes } from '../../../src/domain/session-selector.js';

const a = { id: 'aaaa1111-0000-4000-8000-000000000001', vendorSessionId: 'ses_alpha', title: 'alpha' };
const b = { id: 'aaaa2222-0000-4000-8000-000000000002', vendorSessionId: '0b7c8f7e-1111-4222-8333-944455556666', title: 'beta' };
const c = { id: 'bbbb3333-0000-4000-8000-000000000003', vendorSessionId: null, title: 'gamma' };
const all = [a, b, c];

describe('session selector', () => {
  it('takes a full id', () => {
    expect(selectSession(all, a.id)).toBe(a);
  });

  it('takes an unambiguous prefix, in any case', () => {
    expect(selectSession(all, 'AAAA2')).toBe(b);
    expect(selectSession(all, 'bbbb')).toBe(c);
    expect(happierErrorOf(() => selectSession(all, 'b')).code).toBe('USAGE');
  });

  it('takes a vendor session id', () => {
    expect(selectSession(all, 'ses_alpha')).toBe(a);
    expect(selectSession(all, b.vendorSessionId)).toBe(b);
  });

  it('fails with AMBIGUOUS and lists every candidate', () => {
    const err = happierErrorOf(() => selectSession(all, 'aaaa'));
    expect(err.code).toBe('AMBIGUOUS');
    expect(err.details.candidates).toEqual([
      { id: a.id, title: 'alpha' },
      { id: b.id, title: 'beta' },
    ]);
  });

  it('prefers an exact id over a longer id it prefixes', () => {
    const short = { id: 'aaaa', vendorSessionId: null, title: 'short' };
    expect(selectSession([short, a, b], 'aaaa')).toBe(short);
  });

  it('fails with NOT_FOUND when nothing matches', () => {
    expect(happierErrorOf(() => selectSession(all, 'zzz')).code).toBe('NOT_FOUND');
  });

  it('refuses an empty selector as a usage error', () => {
    expect(happierErrorOf(() => selectSession(all, '  ')).code).toBe('USAGE');
  });
});

describe('shortest unique prefixes', () => {
  it('never goes below eight characters', () => {
    const m = shortestUniquePrefixes([a.id, c.id]);
    expect(m.get(a.id)).toBe('aaaa1111');
    expect(m.get(c.id)).toBe('bbbb3333');
  });

  it('grows until each id is told apart from its nearest rival', () => {
    const x = '12345678a-0';
    const y = '12345678b-0';
    const z = '1234567zzzz';
    const m = shortestUniquePrefixes([x, y, z]);
    expect(m.get(x)).toBe('12345678a');
    expect(m.get(y)).toBe('12345678b');
    expect(m.get(z)).toBe('1234567z');
  });

  it('tells apart ids that share long prefixes, are prefixes of others, are short or repeat', () => {
    const ids = [
      'abcdef01-aaaa-1', 'abcdef01-aaaa-2', 'abcdef01-aab', 'abcdef01', 'abcdef0', 'abc', 'abc',
      'abcdef02-x', 'zz', 'zzzzzzzzzzzz', 'zzzzzzzzzzzy', '0123456789',
    ];
    const m = shortestUniquePrefixes(ids);
    expect(Object.fromEntries(m)).toEqual({
      'abcdef01-aaaa-1': 'abcdef01-aaaa-1',
      'abcdef01-aaaa-2': 'abcdef01-aaaa-2',
      'abcdef01-aab': 'abcdef01-aab',
      abcdef01: 'abcdef01',
      abcdef0: 'abcdef0',
      abc: 'abc',
      'abcdef02-x': 'abcdef02',
      zz: 'zz',
      zzzzzzzzzzzz: 'zzzzzzzzzzzz',
      zzzzzzzzzzzy: 'zzzzzzzzzzzy',
      '0123456789': '01234567',
    });
    // The same as measuring each id against every other one.
    const lcp = (x: string, y: string) => {
      let i = 0;
      while (i < x.length && x[i] === y[i]) i++;
      return i;
    };
    for (const id of ids) {
      const need = Math.max(0, ...ids.filter((o, j) => j !== ids.indexOf(id)).map((o) => lcp(id, o))) + 1;
      expect(m.get(id)).toBe(id.slice(0, Math.max(8, need)));
    }
  });
});
