import { describe, expect, it } from 'vitest';
import { helpItem, wrapLabelled, wrapLine, wrapText } from '../../../src/domain/text-wrap.js';
import { textWidth } from '../../../src/domain/text-width.js';

const widest = (s: string) => Math.max(...s.split('\n').map(textWidth));

describe('wrapping text to the terminal', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapLine('short line', 20)).toEqual(['short line']);
  });

  it('breaks at spaces and indents continuations like the line itself', () => {
    expect(wrapLine('  happier handoff 3f2a --to desk --workspace', 24)).toEqual([
      '  happier handoff 3f2a',
      '  --to desk --workspace',
    ]);
  });

  it('hangs continuation lines at the given column', () => {
    expect(wrapLine('fix: install it with npm i -g opencode-ai', 20, 5)).toEqual([
      'fix: install it with',
      '     npm i -g',
      '     opencode-ai',
    ]);
  });

  it('breaks a word wider than the room instead of overflowing', () => {
    const lines = wrapLine('at /home/someone/a/very/long/path/that/never/ends', 16, 2);
    expect(lines.map(textWidth).every((w) => w <= 16)).toBe(true);
    expect(lines.map((l, i) => (i ? l.trimStart() : l)).join('')).toBe('at /home/someone/a/very/long/path/that/never/ends');
  });

  it('counts wide characters as two columns', () => {
    const lines = wrapLine('日本語のコメント 日本語のコメント', 17);
    expect(lines).toEqual(['日本語のコメント', '日本語のコメント']);
  });

  it('wraps each line of a text and keeps its blank lines', () => {
    const text = wrapText('\nPhases: preparing the target, moving the state.\n\nExamples:\n  happier x', 20);
    expect(text.split('\n')[0]).toBe('');
    expect(text).toContain('\n\nExamples:\n  happier x');
    expect(widest(text)).toBeLessThanOrEqual(20);
  });
});

describe('a help entry', () => {
  it('puts the description beside the term, wrapped in its column, when there is room', () => {
    const item = helpItem('--to <machine>', 16, 'the machine to hand the session to (see `happier machine list`)', 60);
    expect(item.split('\n')).toEqual([
      '  --to <machine>    the machine to hand the session to (see',
      '                    `happier machine list`)',
    ]);
  });

  it('puts the description under the term when the column would be too narrow', () => {
    const item = helpItem('--ignored <exclude|include-selected>', 36, 'git-ignored files: leave them out, or bring the --include globs', 60);
    expect(item.split('\n')).toEqual([
      '  --ignored <exclude|include-selected>',
      '      git-ignored files: leave them out, or bring the',
      '      --include globs',
    ]);
  });

  it('never goes past the width', () => {
    const desc = 'session id, unambiguous id prefix, or vendor session id (a picker opens when it is left out)';
    for (const width of [40, 60, 80]) for (const tw of [4, 12, 30]) expect(widest(helpItem('id', tw, desc, width))).toBeLessThanOrEqual(width);
  });
});

describe('wrapping keeps what is inside a line', () => {
  it('keeps runs of spaces between words', () => {
    expect(wrapLine('ok    ssh: OpenSSH transport at /usr/bin/ssh', 30, 6)).toEqual(['ok    ssh: OpenSSH transport', '      at /usr/bin/ssh']);
  });
});

describe('wrapping labelled report lines', () => {
  it('continues a value under where it started', () => {
    expect(wrapLabelled(['  source:    /home/me/src/app/packages/web', '  note: the workspace stays here'], 30)).toEqual([
      '  source:    /home/me/src/app/',
      '             packages/web',
      '  note: the workspace stays',
      '        here',
    ]);
  });

  it('leaves lines alone without a width', () => {
    expect(wrapLabelled(['a'.repeat(200)], null)).toEqual(['a'.repeat(200)]);
  });
});
