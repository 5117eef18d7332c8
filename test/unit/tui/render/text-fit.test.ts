import { describe, expect, it } from 'vitest';
import { fit, wrap } from '../../../../tui/render/text-fit.js';
import { browserLayout, listRowsFor } from '../../../../tui/render/layout.js';

describe('text fitting', () => {
  it('pads or cuts to an exact width, paths from the left', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('/home/dev/project', 8, 'start')).toBe('…project');
    expect(fit('日本語テキスト', 6)).toBe('日本… ');
  });

  it('wraps on words and breaks words longer than a line', () => {
    expect(wrap('the quick brown fox', 9)).toEqual(['the quick', 'brown fox']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
  });
});

describe('layout', () => {
  it('keeps a useful list at 80x24 and puts the detail beside the list on wide screens', () => {
    const small = browserLayout(80, 24);
    expect(small.side).toBe(false);
    expect(listRowsFor(small)).toBe(12);
    expect(small.detail.top + small.detail.height).toBe(23);
    const wide = browserLayout(200, 50);
    expect(wide.side).toBe(true);
    expect(wide.list.width + 1 + wide.detail.width).toBe(200);
  });
});
