import { describe, expect, it } from 'vitest';
import { decidePost, decideTake, deliveredBefore, decideWithdraw, relayStatus, type RelayRow } from '../../../src/server/relay-rules.js';

const row = (over: Partial<RelayRow> = {}): RelayRow => ({
  senderMachineId: 'a',
  targetMachineId: 'b',
  expiresAt: 1000,
  takenAt: null,
  withdrawnAt: null,
  resultAt: null,
  ...over,
});

describe('relay rules', () => {
  it('status: done beats taken beats withdrawn beats expiry', () => {
    expect(relayStatus(row(), 999)).toBe('pending');
    expect(relayStatus(row(), 1000)).toBe('expired');
    expect(relayStatus(row({ withdrawnAt: 5 }), 10)).toBe('withdrawn');
    expect(relayStatus(row({ takenAt: 5 }), 5000)).toBe('taken');
    expect(relayStatus(row({ takenAt: 5, resultAt: 6 }), 5000)).toBe('done');
  });

  it('posting the same send again renews a waiting one and keeps a taken or answered one', () => {
    expect(decidePost(undefined, 'a', 'b', 0)).toEqual({ kind: 'insert' });
    expect(decidePost(row(), 'a', 'b', 2000)).toEqual({ kind: 'renew' });
    expect(decidePost(row({ withdrawnAt: 1 }), 'a', 'b', 2)).toEqual({ kind: 'renew' });
    expect(decidePost(row({ takenAt: 1 }), 'a', 'b', 2)).toEqual({ kind: 'keep' });
    expect(decidePost(row({ takenAt: 1, resultAt: 2 }), 'a', 'b', 3)).toEqual({ kind: 'keep' });
  });

  it('a post that finds the send taken or answered joined an earlier delivery; one still waiting did not', () => {
    expect((['pending', 'taken', 'done', 'withdrawn', 'expired'] as const).filter(deliveredBefore)).toEqual(['taken', 'done']);
  });

  it('a send id used by another sender or for another target is a conflict', () => {
    expect(decidePost(row(), 'c', 'b', 0).kind).toBe('conflict');
    expect(decidePost(row(), 'a', 'c', 0).kind).toBe('conflict');
  });

  it('the target takes a pending send, or a taken one again after a restart; never a withdrawn, expired or answered one', () => {
    expect(decideTake(row(), 0)).toEqual({ kind: 'take' });
    expect(decideTake(row({ takenAt: 1 }), 5000)).toEqual({ kind: 'take' });
    expect(decideTake(row({ withdrawnAt: 1 }), 2)).toEqual({ kind: 'refuse', status: 'withdrawn' });
    expect(decideTake(row(), 1000)).toEqual({ kind: 'refuse', status: 'expired' });
    expect(decideTake(row({ takenAt: 1, resultAt: 2 }), 3)).toEqual({ kind: 'refuse', status: 'done' });
  });

  it('the sender withdraws only what the target has not started', () => {
    expect(decideWithdraw(row(), 0)).toEqual({ kind: 'withdraw' });
    expect(decideWithdraw(row(), 2000)).toEqual({ kind: 'withdraw' });
    expect(decideWithdraw(row({ takenAt: 1 }), 2)).toEqual({ kind: 'refuse', status: 'taken' });
  });
});
