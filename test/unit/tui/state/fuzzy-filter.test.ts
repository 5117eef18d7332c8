import { describe, expect, it } from 'vitest';
import { fuzzyFilter } from '../../../../tui/state/fuzzy-filter.js';

const rows = ['fix the login form ~/web', 'billing export ~/api', 'login rate limiter ~/api', 'docs'].map((search, i) => ({ id: i, search }));

describe('fuzzyFilter', () => {
  it('keeps every row, in order, for an empty query', () => {
    expect(fuzzyFilter(rows, '  ')).toBe(rows);
  });

  it('matches letters in order, not necessarily adjacent, best match first', () => {
    expect(fuzzyFilter(rows, 'login').map((r) => r.id).sort()).toEqual([0, 2]);
    expect(fuzzyFilter(rows, 'lgn').map((r) => r.id)).toContain(0);
    expect(fuzzyFilter(rows, 'zzz')).toEqual([]);
  });

  it('matches paths too', () => {
    expect(fuzzyFilter(rows, '~/api').map((r) => r.id).sort()).toEqual([1, 2]);
  });
});
