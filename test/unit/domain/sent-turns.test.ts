import { describe, expect, it } from 'vitest';
import { findSentTurn, finishedReply, isMidTurn, type TurnLike } from '../../../src/domain/sent-turns.js';

const t = (role: TurnLike['role'], text: string, at: string | null = '2026-12-07T10:00:05.000Z', toolSummary: string | null = null): TurnLike => ({ role, text, at, toolSummary });
const since = Date.parse('2026-12-07T10:00:04.000Z');

describe('findSentTurn', () => {
  it('finds the user turn with the sent words written after the send began', () => {
    const msgs = [t('user', 'fix it', '2026-12-07T09:00:00.000Z'), t('assistant', 'done'), t('user', 'fix   it\n')];
    expect(findSentTurn(msgs, 'fix it', since)).toBe(2);
  });
  it('does not take an earlier turn with the same words for this send', () => {
    expect(findSentTurn([t('user', 'fix it', '2026-12-07T09:00:00.000Z')], 'fix it', since)).toBe(-1);
  });
  it('matches a long message the preview cut short', () => {
    const long = 'word '.repeat(2000);
    expect(findSentTurn([t('user', long.slice(0, 3999) + '…')], long, since)).toBe(0);
  });
  it('ignores a turn without a time, since it cannot tell when it was written', () => {
    expect(findSentTurn([t('user', 'fix it', null)], 'fix it', since)).toBe(-1);
  });
});

describe('finishedReply', () => {
  it('is the last assistant text once no tool call is pending', () => {
    const msgs = [t('user', 'go'), t('assistant', 'looking', undefined, 'Bash(ls)'), t('tool', 'a b'), t('assistant', 'all done')];
    expect(finishedReply(msgs, 0)?.text).toBe('all done');
  });
  it('is null while a tool call waits, or before any reply', () => {
    expect(finishedReply([t('user', 'go'), t('assistant', 'x', undefined, 'Bash(ls)')], 0)).toBeNull();
    expect(finishedReply([t('user', 'go')], 0)).toBeNull();
    expect(finishedReply([t('user', 'go')], -1)).toBeNull();
  });
  it('is null when another user turn came after the reply started', () => {
    expect(finishedReply([t('user', 'go'), t('assistant', 'a'), t('user', 'more'), t('assistant', 'b')], 0)).toBeNull();
  });
});

describe('isMidTurn', () => {
  it('is true after the user spoke, a tool answered, or a tool call waits', () => {
    expect(isMidTurn([t('user', 'go')])).toBe(true);
    expect(isMidTurn([t('assistant', 'x', undefined, 'Edit(a)'), t('tool', 'ok')])).toBe(true);
    expect(isMidTurn([t('assistant', 'x', undefined, 'Edit(a)')])).toBe(true);
  });
  it('is false when the provider answered, or nothing was said yet', () => {
    expect(isMidTurn([t('user', 'go'), t('assistant', 'done'), t('system', 'note')])).toBe(false);
    expect(isMidTurn([])).toBe(false);
  });
});
