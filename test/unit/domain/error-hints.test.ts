/**
 * Every stable error code says, in one line, what went wrong and what to do next, and no
 * two causes share a hint. The throw sites' own hints are checked the same way: a hint
 * copied from one code to another is a hint that fits one of them at best.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_DESCRIPTIONS } from '../../../src/domain/error-descriptions.js';
import { ERROR_HINTS, hintFor } from '../../../src/domain/error-hints.js';
import { ERROR_CODES, HappierError } from '../../../src/domain/errors.js';

/** A command in backticks, a flag, an environment variable or a file. */
const NEXT_STEP = /`[^`]+`|(^|\s)--[a-z]|HAPPIER_[A-Z_]+|~\/|\/etc\//;

describe('each error code', () => {
  it.each(ERROR_CODES.map((c) => [c]))('%s has a one-line description and a hint with a next step', (code) => {
    const description = ERROR_DESCRIPTIONS[code];
    expect(description, code).toMatch(/^[^\n]{10,}$/);
    const hint = ERROR_HINTS[code];
    expect(hint).toMatch(/^[^\n]{10,}$/);
    expect(hint).toMatch(NEXT_STEP);
  });

  it('no two codes share a hint', () => {
    const byHint = new Map<string, string[]>();
    for (const code of ERROR_CODES) byHint.set(ERROR_HINTS[code], [...(byHint.get(ERROR_HINTS[code]) ?? []), code]);
    expect([...byHint.values()].filter((codes) => codes.length > 1)).toEqual([]);
  });

  it("an error without a hint of its own gets its code's", () => {
    expect(hintFor(new HappierError('ARCHIVED', 'session abc is archived'))).toBe('bring it back first with `happier session unarchive <id>`');
    expect(hintFor(new HappierError('ARCHIVED', 'x', { hint: 'happier session unarchive abc' }))).toBe('happier session unarchive abc');
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `new HappierError('CODE', …, { hint: '…' })` with a literal hint, from the source. */
function literalHints(): { code: string; hint: string; file: string }[] {
  const root = new URL('../../../', import.meta.url).pathname;
  const out: { code: string; hint: string; file: string }[] = [];
  for (const file of ['src', 'shell', 'tui'].flatMap((d) => sourceFiles(join(root, d)))) {
    const text = readFileSync(file, 'utf8');
    const starts = [...text.matchAll(/new (?:HappierError|WireError)\((?:\d+, )?\s*'([A-Z_]+)'/g)];
    starts.forEach((m, i) => {
      const body = text.slice(m.index, starts[i + 1]?.index ?? m.index + 800);
      const hint = /hint:\s*'((?:\\.|[^'\\])*)'/.exec(body)?.[1];
      if (hint) out.push({ code: m[1]!, hint, file: file.slice(root.length) });
    });
  }
  return out;
}

describe('hints at the throw sites', () => {
  const found = literalHints();

  it('are found in the source (the scan works)', () => {
    expect(found.length).toBeGreaterThan(50);
  });

  it('are never one code’s hint copied onto another code', () => {
    const codesOf = new Map<string, Set<string>>();
    for (const f of found) codesOf.set(f.hint, new Set([...(codesOf.get(f.hint) ?? []), f.code]));
    const shared = [...codesOf].filter(([, codes]) => codes.size > 1).map(([hint, codes]) => ({ hint, codes: [...codes] }));
    expect(shared).toEqual([]);
  });

  it('are one line each', () => {
    expect(found.filter((f) => f.hint.includes('\\n'))).toEqual([]);
  });
});
