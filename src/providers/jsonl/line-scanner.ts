import { readSync } from 'node:fs';

/**
 * One line of a JSONL file as the scanner hands it over. Provider files are written
 * while we read them and may hold single records of many megabytes (tool output, pasted
 * files), so a line is either given whole (when it is at most `maxLineBytes`) or, when
 * it is longer, only as a window of its first and last bytes. Memory stays bounded by
 * the chunk size plus `maxLineBytes` whatever the file holds.
 *
 * The buffers may point into the scanner's own chunk: they are valid only during the
 * callback. Copy what must outlive it.
 */
export interface ScannedLine {
  /** Byte offset of the line's first byte. */
  readonly start: number;
  /** Byte offset just past the line's newline (or past its last byte if it has none). */
  readonly end: number;
  /** Length in bytes, without the newline. */
  readonly length: number;
  /** The whole line without its newline, or null when it is longer than `maxLineBytes`. */
  readonly bytes: Buffer | null;
  /** The first `windowBytes` bytes of the line (the whole line when it is short). */
  readonly head: Buffer;
  /** The last `windowBytes` bytes of the line (the whole line when it is short). */
  readonly tail: Buffer;
  /** False for a last line with no newline yet: it may still be being written. */
  readonly terminated: boolean;
}

export interface ScanOptions {
  /** Lines longer than this are handed over as head and tail windows only. */
  readonly maxLineBytes?: number;
  /** Size of the head and tail windows of an oversized line. */
  readonly windowBytes?: number;
  /** Bytes read by the first read; later reads double up to `chunkBytes`. */
  readonly firstReadBytes?: number;
  readonly chunkBytes?: number;
  /** Hand over a last line that has no newline (it is never counted in the returned offset). */
  readonly includeUnterminated?: boolean;
}

/** A line handed over whole; its windows are cut only if someone asks for them. */
class WholeLine implements ScannedLine {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly bytes: Buffer,
    private readonly win: number,
    readonly terminated: boolean,
  ) {}
  get length(): number {
    return this.bytes.length;
  }
  get head(): Buffer {
    return this.bytes.length <= this.win ? this.bytes : this.bytes.subarray(0, this.win);
  }
  get tail(): Buffer {
    return this.bytes.length <= this.win ? this.bytes : this.bytes.subarray(this.bytes.length - this.win);
  }
}

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_WINDOW_BYTES = 4096;
const NL = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Reads lines from `fd` between byte offsets `from` and `to`, calling `onLine` for each
 * complete one, until the range ends or `onLine` returns false. Returns the offset just
 * past the last newline handed over, which is where an incremental reader resumes: a
 * half-written last line is read again next time rather than taken as garbage.
 */
export function scanLines(
  fd: number,
  from: number,
  to: number,
  onLine: (line: ScannedLine) => boolean | void,
  opts: ScanOptions = {},
): number {
  const chunkMax = opts.chunkBytes ?? 1024 * 1024;
  const chunk = takeChunk(chunkMax);
  try {
    return scanWith(chunk, fd, from, to, onLine, opts, chunkMax);
  } finally {
    giveBack(chunk);
  }
}

/*
 * One chunk buffer is reused across calls: a scan touches thousands of files, and a fresh
 * megabyte for each costs more in page faults than reading the file itself.
 */
let spare: Buffer | null = null;
function takeChunk(size: number): Buffer {
  if (spare && spare.length === size) {
    const b = spare;
    spare = null;
    return b;
  }
  return Buffer.allocUnsafe(size);
}
function giveBack(b: Buffer): void {
  spare = b;
}

function scanWith(
  chunk: Buffer,
  fd: number,
  from: number,
  to: number,
  onLine: (line: ScannedLine) => boolean | void,
  opts: ScanOptions,
  chunkMax: number,
): number {
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const win = opts.windowBytes ?? DEFAULT_WINDOW_BYTES;
  let readSize = Math.min(opts.firstReadBytes ?? chunkMax, chunkMax);

  let pos = from;
  let committed = from;
  // The line in progress across chunk boundaries: whole parts while short, windows once long.
  let lineStart = from;
  let parts: Buffer[] = [];
  let partLen = 0;
  let oversized = false;
  let headWin: Buffer | null = null;
  let tailWin: Buffer = EMPTY;

  const addPiece = (piece: Buffer) => {
    if (!oversized && partLen + piece.length <= maxLine) {
      parts.push(Buffer.from(piece));
      partLen += piece.length;
      return;
    }
    if (!oversized) {
      const joined = Buffer.concat([...parts, piece.subarray(0, Math.max(0, win - partLen))]);
      headWin = Buffer.from(joined.subarray(0, win));
      tailWin = Buffer.from(Buffer.concat([...parts, piece]).subarray(-win));
      oversized = true;
      parts = [];
      partLen += piece.length;
      return;
    }
    partLen += piece.length;
    tailWin = piece.length >= win ? Buffer.from(piece.subarray(-win)) : Buffer.concat([tailWin, piece]).subarray(-win);
  };

  const emit = (last: Buffer, end: number, terminated: boolean): boolean => {
    let line: ScannedLine;
    if (parts.length === 0 && !oversized && last.length <= maxLine) {
      line = new WholeLine(lineStart, end, last, win, terminated);
    } else if (parts.length === 0 && !oversized) {
      line = {
        start: lineStart,
        end,
        length: last.length,
        bytes: null,
        head: last.subarray(0, win),
        tail: last.subarray(last.length - win),
        terminated,
      };
    } else {
      addPiece(last);
      if (oversized) {
        line = { start: lineStart, end, length: partLen, bytes: null, head: headWin!, tail: tailWin, terminated };
      } else {
        line = new WholeLine(lineStart, end, Buffer.concat(parts, partLen), win, terminated);
      }
    }
    if (parts.length) parts = [];
    partLen = 0;
    oversized = false;
    headWin = null;
    tailWin = EMPTY;
    lineStart = end;
    return onLine(line) !== false;
  };

  while (pos < to) {
    const want = Math.min(readSize, to - pos);
    const n = readSync(fd, chunk, 0, want, pos);
    if (n <= 0) break;
    readSize = Math.min(readSize * 2, chunkMax);
    const view = chunk.subarray(0, n);
    let i = 0;
    while (i < n) {
      const nl = view.indexOf(NL, i);
      if (nl === -1) {
        addPiece(view.subarray(i));
        break;
      }
      const end = pos + nl + 1;
      if (!emit(view.subarray(i, nl), end, true)) return end;
      committed = end;
      i = nl + 1;
    }
    pos += n;
  }
  if (opts.includeUnterminated && (partLen > 0 || oversized)) {
    emit(Buffer.alloc(0), pos, false);
  }
  return committed;
}

/**
 * Where the last `count` lines of the byte range [0, to) start, found by reading
 * backwards without keeping any of the data. A line with no newline at `to` counts as
 * one of them.
 */
export function findTailStart(fd: number, to: number, count: number, chunkBytes = 64 * 1024): number {
  if (count <= 0 || to <= 0) return to;
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let seen = 0;
  let pos = to;
  // The newline that ends the very last line does not start a new one.
  let skipTrailing = true;
  while (pos > 0) {
    const len = Math.min(chunkBytes, pos);
    const start = pos - len;
    const n = readSync(fd, chunk, 0, len, start);
    if (n <= 0) break;
    let j = n - 1;
    if (skipTrailing) {
      if (chunk[j] === NL) j--;
      skipTrailing = false;
    }
    while (j >= 0) {
      const nl = chunk.lastIndexOf(NL, j);
      if (nl === -1) break;
      seen++;
      if (seen === count) return start + nl + 1;
      j = nl - 1;
    }
    pos = start;
  }
  return 0;
}
