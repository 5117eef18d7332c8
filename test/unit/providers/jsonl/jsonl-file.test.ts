import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonlFrom, readJsonlHead, readJsonlTail, type JsonlEntry } from '../../../../src/providers/jsonl/jsonl-file.js';
import { peekLastString, peekString } from '../../../../src/providers/jsonl/field-peek.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const dir = tempDir('happier-jsonl-');
afterAll(() => dir.cleanup());
let n = 0;
function file(text: string): string {
  const p = join(dir.path, `f${n++}.jsonl`);
  writeFileSync(p, text);
  return p;
}
const line = (o: unknown) => JSON.stringify(o) + '\n';
const values = (entries: JsonlEntry[]) => entries.map((e) => (e.kind === 'record' ? e.value : { oversized: e.bytes }));

describe('readJsonlHead', () => {
  it('is bounded by records, not bytes, so big opening attachments do not hide the first prompt', () => {
    const big = 'x'.repeat(200_000);
    const p = file(line({ type: 'attachment', data: big }) + line({ type: 'attachment', data: big }) + line({ type: 'user', i: 3 }) + line({ i: 4 }));
    const r = readJsonlHead(p, 3);
    expect(r.entries.map((e) => (e.kind === 'record' ? e.value.type : 'big'))).toEqual(['attachment', 'attachment', 'user']);
    expect(r.skipped).toBe(0);
  });

  it('skips and counts garbage lines and blank lines are ignored', () => {
    const p = file('not json\n' + line({ a: 1 }) + '\n[1,2]\n{"cut":\n' + line({ b: 2 }));
    const r = readJsonlHead(p, 10);
    expect(values(r.entries)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.skipped).toBe(3);
  });

  it('does not take a half-written last line as a record', () => {
    const p = file(line({ a: 1 }) + '{"type":"assistant","mess');
    const r = readJsonlHead(p, 10);
    expect(values(r.entries)).toEqual([{ a: 1 }]);
    expect(r.partialLast).toBe(true);
    expect(r.skipped).toBe(0);
  });
});

describe('readJsonlTail', () => {
  it('returns the last N complete lines, oldest first', () => {
    const p = file(Array.from({ length: 1000 }, (_, i) => line({ i })).join(''));
    expect(values(readJsonlTail(p, 3).entries)).toEqual([{ i: 997 }, { i: 998 }, { i: 999 }]);
  });

  it('counts a valid last line without a newline, and ignores a half-written one', () => {
    expect(values(readJsonlTail(file(line({ i: 1 }) + '{"i":2}'), 1).entries)).toEqual([{ i: 2 }]);
    const half = readJsonlTail(file(line({ i: 1 }) + line({ i: 2 }) + '{"i":'), 2);
    expect(values(half.entries)).toEqual([{ i: 2 }]);
    expect(half.partialLast).toBe(true);
  });

  it('works on a file shorter than N lines and on an empty file', () => {
    expect(values(readJsonlTail(file(line({ i: 1 })), 5).entries)).toEqual([{ i: 1 }]);
    expect(readJsonlTail(file(''), 5).entries).toEqual([]);
  });
});

describe('readJsonlFrom', () => {
  it('resumes at the last complete newline, so a half-written line is read whole next time', () => {
    const p = file(line({ i: 1 }) + '{"i":2,"text":"hal');
    const seen: unknown[] = [];
    const first = readJsonlFrom(p, 0, (e) => seen.push(values([e])[0]));
    expect(seen).toEqual([{ i: 1 }]);
    expect(first.end).toBe(line({ i: 1 }).length);
    expect(first.skipped).toBe(0);
    appendFileSync(p, 'f"}\n' + line({ i: 3 }));
    const second = readJsonlFrom(p, first.end, (e) => seen.push(values([e])[0]));
    expect(seen).toEqual([{ i: 1 }, { i: 2, text: 'half' }, { i: 3 }]);
    expect(second.end).toBe(second.size);
  });

  it('hands a 20 MB line over as a bounded window with the fields at its ends still readable', () => {
    const huge = JSON.stringify({ type: 'user', message: { content: 'y'.repeat(20 * 1024 * 1024) }, timestamp: '2026-01-02T03:04:05.000Z' });
    const p = file(line({ i: 1 }) + huge + '\n' + line({ i: 2 }));
    const seen: JsonlEntry[] = [];
    const r = readJsonlFrom(p, 0, (e) => seen.push(e), { maxLineBytes: 1024 * 1024 });
    expect(seen.map((e) => e.kind)).toEqual(['record', 'oversized', 'record']);
    const big = seen[1]!;
    if (big.kind !== 'oversized') throw new Error('expected oversized');
    expect(big.bytes).toBe(Buffer.byteLength(huge));
    expect(big.head.length).toBeLessThanOrEqual(4096);
    expect(peekString(big.head, 'type')).toBe('user');
    expect(peekLastString(big.tail, 'timestamp')).toBe('2026-01-02T03:04:05.000Z');
    expect(r.end).toBe(r.size);
  });
});

describe('field peeks', () => {
  it('never matches a key that only appears inside a string value', () => {
    const b = Buffer.from(JSON.stringify({ text: 'say "type":"user" please', type: 'assistant' }));
    expect(peekString(b, 'type')).toBe('assistant');
  });

  it('decodes escapes and stops at the real closing quote', () => {
    const b = Buffer.from(JSON.stringify({ cwd: 'C:\\Users\\me\\"q"\\ü' }));
    expect(peekString(b, 'cwd')).toBe('C:\\Users\\me\\"q"\\ü');
  });
});
