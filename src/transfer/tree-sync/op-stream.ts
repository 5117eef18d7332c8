import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { HappierError } from '../../domain/errors.js';
import { OP_COPY, OP_LITERAL, OP_LITERAL_DEFLATE } from './protocol.js';

/** Literals shorter than this are not worth a deflate call. */
const MIN_COMPRESS = 128;
/** A literal that deflates to more than this share of its size marks the file incompressible. */
const INCOMPRESSIBLE_RATIO = 0.92;
/**
 * A long literal's first bytes are deflated alone before the whole is: media, archives and
 * other already-compressed files are found out for the price of this sample, not of a
 * megabyte each (deflating incompressible workspaces took most of a handoff's CPU).
 */
const PROBE_BYTES = 8 * 1024;
/** Largest literal a receiver will inflate, so a small message cannot expand without bound. */
export const MAX_LITERAL_BYTES = 16 * 1024 * 1024;

export type Op = { readonly kind: 'literal'; readonly data: Buffer } | { readonly kind: 'copy'; readonly index: number; readonly count: number };

/** Builds the op stream of one file, compressing literals while that pays off. */
export class OpWriter {
  private parts: Buffer[] = [];
  private bytes = 0;
  private compress: boolean;
  private pendingCopy: { index: number; count: number } | undefined;
  literalBytes = 0;
  matchedBlocks = 0;

  constructor(compress: boolean) {
    this.compress = compress;
  }

  literal(data: Buffer): void {
    if (data.length === 0) return;
    this.flushCopy();
    this.literalBytes += data.length;
    for (let off = 0; off < data.length; off += MAX_LITERAL_BYTES) this.literalChunk(data.subarray(off, off + MAX_LITERAL_BYTES));
  }

  copy(index: number, count = 1): void {
    this.matchedBlocks += count;
    const p = this.pendingCopy;
    if (p && p.index + p.count === index) {
      p.count += count;
      return;
    }
    this.flushCopy();
    this.pendingCopy = { index, count };
  }

  /** Whether literals are still being deflated (false once the file proved incompressible). */
  get compressing(): boolean {
    return this.compress;
  }

  /** Bytes of ops built and not yet taken. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** The ops built so far, as one buffer; the writer starts over empty. */
  take(): Buffer {
    this.flushCopy();
    const out = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return out;
  }

  private literalChunk(data: Buffer): void {
    if (this.compress && data.length > 2 * PROBE_BYTES && !pays(data.subarray(0, PROBE_BYTES))) this.compress = false;
    if (this.compress && data.length >= MIN_COMPRESS) {
      const z = deflateRawSync(data, deflateOptions(data.length));
      if (z.length < data.length * INCOMPRESSIBLE_RATIO) {
        this.push(Buffer.concat([Buffer.from([OP_LITERAL_DEFLATE]), varint(data.length), varint(z.length)]));
        this.push(z);
        return;
      }
      if (data.length >= 4096) this.compress = false;
    }
    this.push(Buffer.concat([Buffer.from([OP_LITERAL]), varint(data.length)]));
    this.push(data);
  }

  private flushCopy(): void {
    const p = this.pendingCopy;
    if (!p) return;
    this.pendingCopy = undefined;
    this.push(Buffer.concat([Buffer.from([OP_COPY]), varint(p.index), varint(p.count)]));
  }

  private push(b: Buffer): void {
    this.parts.push(b);
    this.bytes += b.length;
  }
}

function pays(sample: Buffer): boolean {
  return deflateRawSync(sample, deflateOptions(sample.length)).length < sample.length * INCOMPRESSIBLE_RATIO;
}

/**
 * A window no larger than the input: setting up zlib's default 32 KiB window and 256 KiB of
 * state took most of the time of deflating a small source file (measured 3-6x faster).
 * Any raw inflater reads a smaller window.
 */
function deflateOptions(len: number): { level: number; windowBits: number; memLevel: number } {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(len + 1))));
  return { level: constants.Z_BEST_SPEED, windowBits, memLevel: windowBits >= 15 ? 8 : 6 };
}

/** Decodes one op stream buffer; any malformed input is a PROTOCOL error. */
export function* readOps(buf: Buffer): Generator<Op> {
  const cur = { pos: 0 };
  while (cur.pos < buf.length) {
    const code = buf[cur.pos++];
    if (code === OP_LITERAL) {
      const len = readVarint(buf, cur);
      if (cur.pos + len > buf.length) throw bad('literal runs past the end of the message');
      yield { kind: 'literal', data: buf.subarray(cur.pos, cur.pos + len) };
      cur.pos += len;
    } else if (code === OP_LITERAL_DEFLATE) {
      const rawLen = readVarint(buf, cur);
      const zLen = readVarint(buf, cur);
      if (rawLen > MAX_LITERAL_BYTES) throw bad('compressed literal is too large');
      if (cur.pos + zLen > buf.length) throw bad('compressed literal runs past the end of the message');
      let data: Buffer;
      try {
        data = inflateRawSync(buf.subarray(cur.pos, cur.pos + zLen), { maxOutputLength: Math.max(1, rawLen) });
      } catch {
        throw bad('compressed literal does not inflate to its stated size');
      }
      if (data.length !== rawLen) throw bad('compressed literal does not inflate to its stated size');
      cur.pos += zLen;
      yield { kind: 'literal', data };
    } else if (code === OP_COPY) {
      const index = readVarint(buf, cur);
      const count = readVarint(buf, cur);
      if (count === 0) throw bad('empty copy');
      yield { kind: 'copy', index, count };
    } else {
      throw bad(`unknown op ${code}`);
    }
  }
}

/** Room to leave in front of literal bytes so literalFrame can add its header in place. */
export const LITERAL_HEADER_ROOM = 9;

/**
 * A one-op stream for `len` literal bytes already read into `buf` at LITERAL_HEADER_ROOM,
 * built without copying them: large raw files then cost one buffer per chunk.
 */
export function literalFrame(buf: Buffer, len: number): Buffer {
  const header = literalHeader(len);
  const start = LITERAL_HEADER_ROOM - header.length;
  header.copy(buf, start);
  return buf.subarray(start, LITERAL_HEADER_ROOM + len);
}

/** The op header of a raw literal of `len` bytes; the bytes follow it. */
export function literalHeader(len: number): Buffer {
  return Buffer.concat([Buffer.from([OP_LITERAL]), varint(len)]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function readVarint(buf: Buffer, cur: { pos: number }): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (cur.pos >= buf.length) throw bad('truncated number');
    const b = buf[cur.pos++] as number;
    result += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (!Number.isSafeInteger(result)) throw bad('number out of range');
      return result;
    }
    mul *= 0x80;
  }
  throw bad('number too long');
}

function bad(message: string): HappierError {
  return new HappierError('PROTOCOL', `tree sync: ${message}`, { hint: 'The peer sent malformed file data; nothing was written for that file.' });
}
