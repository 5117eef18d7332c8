import { describe, expect, it } from 'vitest';
import { okEnvelope, okEnvelopeChunks } from '../../../src/cli/output/json-envelope.js';
import { fastListOptions } from '../../../src/cli/session-list-fast.js';

describe('fastListOptions', () => {
  it('takes a plain list and its filters', () => {
    expect(fastListOptions(['session', 'list'])).toEqual({});
    expect(fastListOptions(['session', 'ls', '--json', '--resumable', '--agent', 'codex'])).toEqual({ json: true, resumable: true, agent: 'codex' });
    expect(fastListOptions(['session', 'list', '--agent=claude', '--all', '--plain'])).toEqual({ agent: 'claude', all: true, plain: true });
  });

  it('leaves everything else to the full program, so its errors and help stay the same', () => {
    for (const args of [
      [],
      ['session'],
      ['session', 'show', 'x'],
      ['session', 'list', '--help'],
      ['session', 'list', '--everywhere'],
      ['session', 'list', '--agent', 'gpt'],
      ['session', 'list', '--agent'],
      ['session', 'list', '--json', '--plain'],
      ['session', 'list', '--archived', '--all'],
      ['session', 'list', 'extra'],
    ]) {
      expect(fastListOptions(args)).toBeUndefined();
    }
  });
});

describe('okEnvelopeChunks', () => {
  it('writes exactly what okEnvelope writes, for any number of items', () => {
    for (const n of [0, 1, 2, 499, 500, 501, 1234]) {
      const items = Array.from({ length: n }, (_, i) => ({ i, s: `x"${i}` }));
      const toJson = (x: { i: number; s: string }) => ({ n: x.i, s: x.s });
      const whole = okEnvelope('session_list', { sessions: items.map(toJson) });
      expect([...okEnvelopeChunks('session_list', 'sessions', items, toJson)].join('')).toBe(whole);
      // A stream of rows, read once as the pieces are taken.
      function* rows() {
        yield* items;
      }
      expect([...okEnvelopeChunks('session_list', 'sessions', rows(), toJson)].join('')).toBe(whole);
    }
  });
});
