import { describe, expect, it } from 'vitest';
import { fitColumnWidths } from '../../../src/domain/column-fit.js';

describe('the table-fitting rule', () => {
  const id = { want: 8 };
  const title = { want: 20, min: 5 };
  const path = { want: 30, min: 5, drop: 2 };
  const size = { want: 6, drop: 1 };

  it('gives each column what it wants when it fits, or when there is no width', () => {
    expect(fitColumnWidths([id, title, path], 100, 2)).toEqual([8, 20, 30]);
    expect(fitColumnWidths([id, title, path], null, 2)).toEqual([8, 20, 30]);
  });

  it('shrinks the shrinkable columns in proportion before dropping any', () => {
    const w = fitColumnWidths([id, title, path, size], 60, 2) as number[];
    expect(w[0]).toBe(8);
    expect(w[3]).toBe(6);
    expect(w.reduce((a, b) => a + b, 0) + 6).toBe(60);
    expect(w[2]!).toBeGreaterThan(w[1]!);
  });

  it('drops columns lowest `drop` first, and never one without it', () => {
    expect(fitColumnWidths([id, title, path, size], 24, 2)).toEqual([8, 5, 7, null]);
    expect(fitColumnWidths([id, title, path, size], 20, 2)).toEqual([8, 10, null, null]);
    expect(fitColumnWidths([id, title, path, size], 4, 2)).toEqual([8, 5, null, null]);
  });

  it('gives left-over room to growing columns by their shares', () => {
    expect(fitColumnWidths([id, { want: 10, grow: 3 }, { want: 10, grow: 1 }], 40, 1)).toEqual([8, 18, 12]);
  });
});
