import { describe, expect, it } from 'vitest';
import { decideCas, decidePublish, ownershipVerdict } from '../../../src/server/ownership-rules.js';

const rec = (ownerMachineId: string, ownerEpoch: number) => ({ ownerMachineId, ownerEpoch });

describe('compare-and-swap on ownerEpoch', () => {
  it('swaps at the expected epoch and moves the epoch up by one', () => {
    expect(decideCas(rec('a', 4), 4, 'b', true)).toEqual({ kind: 'swap', next: rec('b', 5) });
  });

  it('refuses a stale or a future epoch and reports the current owner', () => {
    expect(decideCas(rec('b', 5), 4, 'c', true)).toEqual({ kind: 'stale', current: rec('b', 5) });
    expect(decideCas(rec('b', 5), 6, 'c', true)).toEqual({ kind: 'stale', current: rec('b', 5) });
  });

  it('refuses an owner outside the account, and a record the server never saw', () => {
    expect(decideCas(rec('a', 0), 0, 'x', false)).toEqual({ kind: 'unknown-machine' });
    expect(decideCas(undefined, 0, 'b', true)).toEqual({ kind: 'missing' });
  });
});

describe('publishing a record', () => {
  it('lets the owner create and refresh its record at the current epoch', () => {
    expect(decidePublish(undefined, 'a', rec('a', 0))).toEqual({ kind: 'insert' });
    expect(decidePublish(rec('a', 2), 'a', rec('a', 2))).toEqual({ kind: 'update' });
  });

  it('tells a machine holding a stale epoch who owns the session now', () => {
    expect(decidePublish(rec('b', 3), 'a', rec('a', 2))).toEqual({ kind: 'stale', current: rec('b', 3) });
    expect(decidePublish(rec('a', 3), 'a', rec('a', 2))).toEqual({ kind: 'stale', current: rec('a', 3) });
  });

  it('does not let a machine publish a record in another machine\'s name', () => {
    expect(decidePublish(undefined, 'a', rec('b', 0)).kind).toBe('stale');
  });
});

describe('the ownership verdict a machine draws', () => {
  it('still owner, lost, or unknown', () => {
    expect(ownershipVerdict('a', 2, rec('a', 2))).toBe('still-owner');
    expect(ownershipVerdict('a', 2, rec('b', 3))).toBe('lost');
    expect(ownershipVerdict('a', 2, undefined)).toBe('unknown');
    expect(ownershipVerdict('a', 5, rec('b', 3))).toBe('unknown');
  });
});
