import type { IHasher } from 'hash-wasm';
import { weakChecksum } from './rolling-checksum.js';
import { blockStrongHash, STRONG_BYTES } from './strong-hash.js';

/** Bytes per block in a signature: weak u32 LE, then the strong hash. */
export const SIG_ENTRY_BYTES = 4 + STRONG_BYTES;

const MIN_BLOCK = 700;
const MAX_BLOCK = 128 * 1024;

/** rsync's rule: 700 bytes up to 490,000-byte files, then about sqrt(size) rounded to 8, at most 128 KiB. */
export function chooseBlockSize(size: number): number {
  if (size <= MIN_BLOCK * MIN_BLOCK) return MIN_BLOCK;
  const root = Math.floor(Math.sqrt(size));
  return Math.min(MAX_BLOCK, root - (root % 8));
}

export function blockCount(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize);
}

/** Appends signatures for the whole blocks of `chunk` (and a short final block when `last`). */
export class SignatureBuilder {
  private readonly out: Buffer;
  private filled = 0;

  constructor(
    private readonly hasher: IHasher,
    readonly blockSize: number,
    readonly basisSize: number,
  ) {
    this.out = Buffer.allocUnsafe(blockCount(basisSize, blockSize) * SIG_ENTRY_BYTES);
  }

  /** `chunk` must start on a block boundary and hold whole blocks, except for the file's tail. */
  add(chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length; off += this.blockSize) {
      const end = Math.min(chunk.length, off + this.blockSize);
      if (this.filled + SIG_ENTRY_BYTES > this.out.length) return;
      this.out.writeUInt32LE(weakChecksum(chunk, off, end), this.filled);
      blockStrongHash(this.hasher, chunk.subarray(off, end), this.out, this.filled + 4);
      this.filled += SIG_ENTRY_BYTES;
    }
  }

  /** The signature so far; short when the file shrank while it was read. */
  result(): Buffer {
    return this.out.subarray(0, this.filled);
  }
}

export interface ParsedSignature {
  readonly blockSize: number;
  readonly basisSize: number;
  readonly count: number;
  readonly weak: Uint32Array;
  readonly strong: Buffer;
}

export function parseSignature(data: Buffer, blockSize: number, basisSize: number): ParsedSignature {
  const count = Math.floor(data.length / SIG_ENTRY_BYTES);
  const weak = new Uint32Array(count);
  const strong = Buffer.allocUnsafe(count * STRONG_BYTES);
  for (let i = 0; i < count; i++) {
    weak[i] = data.readUInt32LE(i * SIG_ENTRY_BYTES);
    data.copy(strong, i * STRONG_BYTES, i * SIG_ENTRY_BYTES + 4, (i + 1) * SIG_ENTRY_BYTES);
  }
  return { blockSize, basisSize, count, weak, strong };
}
