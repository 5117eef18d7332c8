import { closeSync, fstatSync, openSync } from 'node:fs';
import { findTailStart, scanLines, type ScanOptions, type ScannedLine } from './line-scanner.js';

/**
 * Tolerant JSONL reading shared by the providers whose transcripts are JSONL (Claude,
 * Codex). Lines that are not JSON objects are skipped and counted; lines too long to
 * parse safely arrive as `oversized` entries carrying only their first and last bytes,
 * so a caller can still peek at the fields it needs (see field-peek.ts).
 */
export type JsonRecord = Record<string, unknown>;

export type JsonlEntry =
  | { readonly kind: 'record'; readonly value: JsonRecord; readonly start: number; readonly end: number }
  | {
      readonly kind: 'oversized';
      readonly head: Buffer;
      readonly tail: Buffer;
      readonly bytes: number;
      readonly start: number;
      readonly end: number;
    };

export interface JsonlRead {
  readonly entries: JsonlEntry[];
  /** Lines that were not JSON objects (garbage, cut short), skipped. */
  readonly skipped: number;
  /** Offset just past the last complete line read; an incremental read resumes here. */
  readonly end: number;
  /** The file's size when it was read. */
  readonly size: number;
  /** Whether the file ends in a line with no newline that is not (yet) valid JSON. */
  readonly partialLast: boolean;
}

export type JsonlOptions = Pick<ScanOptions, 'maxLineBytes' | 'windowBytes'>;

/** A JSON object from one line, or undefined for anything else. */
export function parseRecord(bytes: Buffer): JsonRecord | undefined {
  if (bytes.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

function toEntry(line: ScannedLine): JsonlEntry | 'garbage' | 'blank' {
  if (line.bytes === null) {
    return {
      kind: 'oversized',
      head: Buffer.from(line.head),
      tail: Buffer.from(line.tail),
      bytes: line.length,
      start: line.start,
      end: line.end,
    };
  }
  if (isBlank(line.bytes)) return 'blank';
  const value = parseRecord(line.bytes);
  return value ? { kind: 'record', value, start: line.start, end: line.end } : 'garbage';
}

function withFile<T>(path: string, fn: (fd: number, size: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return fn(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads from byte `offset` to the end, handing each entry to `onEntry`. The returned
 * `end` stops at the last newline, so a half-written last line is read again next time.
 * A last line with no newline that already parses is handed over too (a finished file
 * without a trailing newline) but is still not counted in `end`.
 */
export function readJsonlFrom(
  path: string,
  offset: number,
  onEntry: (entry: JsonlEntry) => void,
  opts: JsonlOptions = {},
): Omit<JsonlRead, 'entries'> {
  return withFile(path, (fd, size) => {
    let skipped = 0;
    let partialLast = false;
    const end = scanLines(
      fd,
      Math.min(offset, size),
      size,
      (line) => {
        const e = toEntry(line);
        if (e === 'blank') return;
        if (!line.terminated) {
          if (e === 'garbage' || e.kind === 'oversized') partialLast = true;
          else onEntry(e);
          return;
        }
        if (e === 'garbage') skipped++;
        else onEntry(e);
      },
      { ...opts, includeUnterminated: true },
    );
    return { skipped, end, size, partialLast };
  });
}

/**
 * The first `maxRecords` entries. Transcripts can open with multi-kilobyte attachment
 * records, so the head is bounded by records, not bytes; garbage lines count against a
 * separate budget so a file of garbage still ends the read quickly.
 */
export function readJsonlHead(path: string, maxRecords: number, opts: JsonlOptions = {}): JsonlRead {
  return withFile(path, (fd, size) => {
    const entries: JsonlEntry[] = [];
    let skipped = 0;
    let partialLast = false;
    const garbageBudget = maxRecords * 2 + 8;
    const end = scanLines(
      fd,
      0,
      size,
      (line) => {
        const e = toEntry(line);
        if (e === 'blank') return true;
        if (!line.terminated) {
          if (e === 'garbage' || e.kind === 'oversized') partialLast = true;
          else entries.push(e);
          return false;
        }
        if (e === 'garbage') skipped++;
        else entries.push(e);
        return entries.length < maxRecords && skipped < garbageBudget;
      },
      { ...opts, firstReadBytes: 64 * 1024, includeUnterminated: true },
    );
    return { entries, skipped, end, size, partialLast };
  });
}

/** The last `maxLines` lines, oldest first, read backwards from the end without reading the rest. */
export function readJsonlTail(path: string, maxLines: number, opts: JsonlOptions = {}): JsonlRead {
  return withFile(path, (fd, size) => {
    const start = findTailStart(fd, size, maxLines);
    const entries: JsonlEntry[] = [];
    let skipped = 0;
    let partialLast = false;
    const end = scanLines(
      fd,
      start,
      size,
      (line) => {
        const e = toEntry(line);
        if (e === 'blank') return;
        if (!line.terminated) {
          if (e === 'garbage' || e.kind === 'oversized') partialLast = true;
          else entries.push(e);
          return;
        }
        if (e === 'garbage') skipped++;
        else entries.push(e);
      },
      { ...opts, includeUnterminated: true },
    );
    return { entries, skipped, end, size, partialLast };
  });
}
