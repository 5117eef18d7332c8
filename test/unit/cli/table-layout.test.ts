import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../src/cli/output/table-layout.js';
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

  it('shrinks only title and path, to fit exactly', () => {
    const lines = formatTable(cols, [['abcdefgh', 'a'.repeat(20), 'p'.repeat(30)]], 50);
    expect(lines[1]!.startsWith('abcdefgh  ')).toBe(true);
    expect(textWidth(lines[1]!)).toBe(50);
  });

  it('keeps every column when there is room, or no width at all', () => {
    expect(formatTable(cols, [['abcdefgh', 'title', 'path']], null)[1]).toBe('abcdefgh  title  path');
    expect(formatTable(cols, [['abcdefgh', 'title', 'path']], 100)[1]).toBe('abcdefgh  title  path');
  });

  it('drops the least useful column before the id, and shortens an id column before dropping', () => {
    const wide = [{ header: 'ID', shortId: true }, { header: 'SIZE', drop: 1 }, { header: 'TITLE', shrink: 'end' as const, minWidth: 5 }];
    const rows = [['0b7c8f7e-1111-4222-8333-944455556666', '12 KiB', 'a title'], ['9a7c8f7e-1111-4222-8333-944455556666', '3 KiB', 'other']];
    expect(formatTable(wide, rows, 60)[1]).toBe('0b7c8f7e-1111-4222-8333-944455556666  12 KiB  a title');
    expect(formatTable(wide, rows, 30)[1]).toBe('0b7c8f7e  12 KiB  a title');
    expect(formatTable(wide, rows, 16)).toEqual(['ID        TITLE', '0b7c8f7e  a tit…', '9a7c8f7e  other']);
  });

  it('renders every line within the width', () => {
    const lines = formatTable(cols, [['abcdefgh', 'a very long title that will not fit', '/a/very/long/path/to/somewhere']], 40);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(40);
    expect(lines[1]).toContain('…');
    expect(lines[1]!.endsWith('somewhere')).toBe(true);
  });
});
