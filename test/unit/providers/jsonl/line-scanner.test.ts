import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTailStart, scanLines, type ScannedLine } from '../../../../src/providers/jsonl/line-scanner.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const dir = tempDir('happier-scanner-');
afterAll(() => dir.cleanup());

// A small deterministic generator, so a failure can be replayed.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function withFile<T>(text: string, fn: (fd: number, size: number) => T): T {
  const p = join(dir.path, `f${Math.random()}.txt`);
  writeFileSync(p, text);
  const fd = openSync(p, 'r');
  try {
    return fn(fd, Buffer.byteLength(text));
  } finally {
    closeSync(fd);
  }
}

describe('scanLines', () => {
  it('hands over every line across chunk boundaries, whole or as windows, for many shapes', () => {
    const rand = rng(7);
    for (let round = 0; round < 40; round++) {
      const lines = Array.from({ length: 1 + Math.floor(rand() * 30) }, (_, i) => `${i}:` + 'ü'.repeat(Math.floor(rand() * 200)));
      const text = lines.join('\n') + (rand() < 0.5 ? '\n' : '');
      const chunk = 8 + Math.floor(rand() * 64);
      const maxLine = 40 + Math.floor(rand() * 200);
      const seen: { text: string | null; head: string; tail: string; length: number; start: number; terminated: boolean }[] = [];
      const end = withFile(text, (fd, size) =>
        scanLines(
          fd,
          0,
          size,
          (l: ScannedLine) => {
            seen.push({ text: l.bytes?.toString() ?? null, head: l.head.toString('latin1'), tail: l.tail.toString('latin1'), length: l.length, start: l.start, terminated: l.terminated });
          },
          { chunkBytes: chunk, maxLineBytes: maxLine, windowBytes: 16, includeUnterminated: true },
        ),
      );
      const expected = lines;
      expect(seen.map((s) => s.length)).toEqual(expected.map((l) => Buffer.byteLength(l)));
      let offset = 0;
      seen.forEach((s, i) => {
        const raw = Buffer.from(expected[i]!);
        expect(s.start).toBe(offset);
        offset += raw.length + 1;
        if (raw.length <= maxLine) expect(s.text).toBe(expected[i]);
        else expect(s.text).toBeNull();
        expect(s.head).toBe(raw.subarray(0, 16).toString('latin1'));
        expect(s.tail).toBe(raw.subarray(Math.max(0, raw.length - 16)).toString('latin1'));
      });
      expect(seen.at(-1)!.terminated).toBe(text.endsWith('\n'));
      const lastNl = Buffer.from(text).lastIndexOf(0x0a);
      expect(end).toBe(lastNl + 1);
    }
  });

  it('stops when the callback says so and reports where', () => {
    const end = withFile('a\nbb\nccc\n', (fd, size) => scanLines(fd, 0, size, (l) => l.length < 2));
    expect(end).toBe(5);
  });

  it('reads from an offset', () => {
    const got: string[] = [];
    withFile('a\nbb\nccc\n', (fd, size) => scanLines(fd, 2, size, (l) => void got.push(l.bytes!.toString())));
    expect(got).toEqual(['bb', 'ccc']);
  });
});

describe('findTailStart', () => {
  it('finds where the last N lines start, with or without a final newline', () => {
    withFile('a\nbb\nccc\n', (fd, size) => {
      expect(findTailStart(fd, size, 1, 3)).toBe(5);
      expect(findTailStart(fd, size, 2, 3)).toBe(2);
      expect(findTailStart(fd, size, 5, 3)).toBe(0);
    });
    withFile('a\nbb\nccc', (fd, size) => expect(findTailStart(fd, size, 1, 2)).toBe(5));
  });
});
