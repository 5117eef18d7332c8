import { describe, expect, it } from 'vitest';
import { fitColumns, formatTable } from '../../../src/cli/output/table-layout.js';
import { sanitize, textWidth, truncateEnd, truncateStart } from '../../../src/domain/text-width.js';

describe('text width', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1);
    expect(textWidth('🚀')).toBe(2);
  });

  it('cuts at the end or the start with an ellipsis, within the width', () => {
    expect(truncateEnd('refactor the parser', 10)).toBe('refactor …');
    expect(truncateStart('/home/dev/src/project', 10)).toBe('…c/project');
    expect(textWidth(truncateEnd('日本語のタイトル', 7))).toBeLessThanOrEqual(7);
    expect(truncateEnd('short', 10)).toBe('short');
  });

  it('replaces control characters so a title cannot drive the terminal', () => {
    expect(sanitize('evil\u001b[2Jtitle\nnext')).toBe('evil [2Jtitle next');
  });
});

describe('table layout', () => {
  const cols = [{ header: 'ID' }, { header: 'TITLE', shrink: 'end' as const, minWidth: 5 }, { header: 'PATH', shrink: 'start' as const, minWidth: 5 }];

  it('keeps natural widths when there is room, or no width at all', () => {
    expect(fitColumns(cols, [8, 20, 30], 100)).toEqual([8, 20, 30]);
    expect(fitColumns(cols, [8, 20, 30], null)).toEqual([8, 20, 30]);
  });

  it('shrinks only title and path, in proportion, to fit exactly', () => {
    const w = fitColumns(cols, [8, 20, 30], 50);
    expect(w[0]).toBe(8);
    expect(w.reduce((a, b) => a + b, 0) + 4).toBe(50);
    expect(w[2]! > w[1]!).toBe(true);
  });

  it('never shrinks below the minimum widths', () => {
    expect(fitColumns(cols, [8, 20, 30], 10)).toEqual([8, 5, 5]);
  });

  it('renders every line within the width', () => {
    const lines = formatTable(cols, [['abcdefgh', 'a very long title that will not fit', '/a/very/long/path/to/somewhere']], 40);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(40);
    expect(lines[1]).toContain('…');
    expect(lines[1]!.endsWith('somewhere')).toBe(true);
  });
});
