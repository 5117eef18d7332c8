import type { IHasher } from 'hash-wasm';
import type { ParsedSignature } from './block-signature.js';
import type { OpWriter } from './op-stream.js';
import { weakChecksum } from './rolling-checksum.js';
import { STRONG_BYTES } from './strong-hash.js';

/** Pending literal bytes are sent on once they reach this, so memory stays bounded. */
const LITERAL_FLUSH = 1024 * 1024;

/**
 * Finds the receiver's blocks in the sender's file, fed in chunks of any size: at every
 * offset the rolling checksum is looked up, and a weak hit is confirmed by the strong hash.
 * Unmatched bytes become literals. Holds at most one block plus one pending literal.
 */
export class DeltaEncoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private litStart = 0;
  private s1 = 0;
  private s2 = 0;
  private haveSum = false;
  private lastMatch = -1;
  private readonly tags = new Uint8Array(65536);
  private readonly byWeak = new Map<number, number | number[]>();
  private readonly lastLen: number;
  private readonly strongScratch = Buffer.allocUnsafe(STRONG_BYTES);

  constructor(
    private readonly sig: ParsedSignature,
    private readonly hasher: IHasher,
    private readonly ops: OpWriter,
  ) {
    // Blocks are registered last to first so that the first of equal blocks wins lookups.
    for (let i = sig.count - 1; i >= 0; i--) {
      const w = sig.weak[i] as number;
      this.tags[tagOf(w)] = 1;
      const prev = this.byWeak.get(w);
      if (prev === undefined) this.byWeak.set(w, i);
      else if (typeof prev === 'number') this.byWeak.set(w, [i, prev]);
      else prev.unshift(i);
    }
    this.lastLen = sig.count === 0 ? 0 : sig.basisSize - (sig.count - 1) * sig.blockSize;
  }

  push(chunk: Buffer): void {
    if (this.litStart > 0) {
      this.buf = this.buf.subarray(this.litStart);
      this.pos -= this.litStart;
      this.litStart = 0;
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.scan(false);
  }

  finish(): void {
    this.scan(true);
  }

  private scan(final: boolean): void {
    const bs = this.sig.blockSize;
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let s1 = this.s1;
    let s2 = this.s2;
    if (this.sig.count > 0) {
      for (;;) {
        if (!this.haveSum) {
          if (pos + bs > len) break;
          const w = weakChecksum(buf, pos, pos + bs);
          s1 = w & 0xffff;
          s2 = w >>> 16;
          this.haveSum = true;
        }
        const sum = (s1 | (s2 << 16)) >>> 0;
        if (this.tags[tagOf(sum)] === 1) {
          const idx = this.findBlock(sum, buf, pos, bs);
          if (idx >= 0) {
            this.emitLiteral(pos);
            this.ops.copy(idx);
            this.lastMatch = idx;
            pos += bs;
            this.litStart = pos;
            this.haveSum = false;
            continue;
          }
        }
        if (pos + bs >= len) break;
        const out = buf[pos] as number;
        const inb = buf[pos + bs] as number;
        s1 = (s1 - out + inb) & 0xffff;
        s2 = (s2 - bs * out + s1) & 0xffff;
        pos++;
        if (pos - this.litStart >= LITERAL_FLUSH) this.emitLiteral(pos);
      }
    }
    this.pos = pos;
    this.s1 = s1;
    this.s2 = s2;
    if (!final) return;
    // At the end only the receiver's short last block can still match: against the file's own tail.
    const tailStart = len - this.lastLen;
    if (this.sig.count > 0 && this.lastLen > 0 && this.lastLen < bs && tailStart >= this.litStart) {
      const last = this.sig.count - 1;
      if (weakChecksum(buf, tailStart, len) === this.sig.weak[last] && this.strongEquals(last, buf, tailStart, len)) {
        this.emitLiteral(tailStart);
        this.ops.copy(last);
        this.litStart = len;
      }
    }
    this.emitLiteral(len);
    this.pos = len;
  }

  private findBlock(sum: number, buf: Buffer, pos: number, bs: number): number {
    const hit = this.byWeak.get(sum);
    if (hit === undefined) return -1;
    // The block right after the last match is the likeliest, and keeps copy runs long.
    const want = this.lastMatch + 1;
    const candidates = typeof hit === 'number' ? [hit] : hit.includes(want) ? [want, ...hit] : hit;
    let computed = false;
    for (const idx of candidates) {
      if (idx === this.sig.count - 1 && this.lastLen !== bs) continue;
      if (!computed) {
        this.hasher.init();
        this.hasher.update(buf.subarray(pos, pos + bs));
        this.strongScratch.set(this.hasher.digest('binary').subarray(0, STRONG_BYTES));
        computed = true;
      }
      if (this.strongScratch.compare(this.sig.strong, idx * STRONG_BYTES, (idx + 1) * STRONG_BYTES) === 0) return idx;
    }
    return -1;
  }

  private strongEquals(idx: number, buf: Buffer, start: number, end: number): boolean {
    this.hasher.init();
    this.hasher.update(buf.subarray(start, end));
    const h = this.hasher.digest('binary').subarray(0, STRONG_BYTES);
    return Buffer.compare(h, this.sig.strong.subarray(idx * STRONG_BYTES, (idx + 1) * STRONG_BYTES)) === 0;
  }

  private emitLiteral(upTo: number): void {
    if (upTo > this.litStart) this.ops.literal(this.buf.subarray(this.litStart, upTo));
    this.litStart = upTo;
  }
}

function tagOf(weak: number): number {
  return (weak ^ (weak >>> 16)) & 0xffff;
}
