import { HappierError } from '../../domain/errors.js';
import { readOps } from './op-stream.js';

/** Where copy ops read from: the receiver's old copy of the file. */
export interface BasisReader {
  readonly blockSize: number;
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

const COPY_PIECE = 1024 * 1024;

/**
 * Replays one op stream buffer into `write`, in order. Copy ops must name blocks that exist
 * in the basis; a peer that names others gets a PROTOCOL error, not a short file.
 * Returns the bytes produced.
 */
export async function applyOps(ops: Buffer, basis: BasisReader | undefined, write: (b: Buffer) => Promise<void> | void): Promise<number> {
  let produced = 0;
  for (const op of readOps(ops)) {
    if (op.kind === 'literal') {
      await write(op.data);
      produced += op.data.length;
      continue;
    }
    if (!basis) throw bad('copy op without an old copy to copy from');
    const start = op.index * basis.blockSize;
    const end = Math.min(basis.size, (op.index + op.count) * basis.blockSize);
    if (start >= basis.size || end <= start) throw bad('copy op names a block the old copy does not have');
    for (let off = start; off < end; off += COPY_PIECE) {
      const want = Math.min(COPY_PIECE, end - off);
      const piece = await basis.read(off, want);
      if (piece.length !== want) throw new HappierError('TRANSFER_FAILED', 'the old copy of a file changed while it was being updated', { hint: 'Run the sync again.' });
      await write(piece);
      produced += piece.length;
    }
  }
  return produced;
}

/** A BasisReader over a buffer, for callers that hold the old copy in memory. */
export function bufferBasis(data: Buffer, blockSize: number): BasisReader {
  return { blockSize, size: data.length, read: async (offset, length) => data.subarray(offset, offset + length) };
}

function bad(message: string): HappierError {
  return new HappierError('PROTOCOL', `tree sync: ${message}`, { hint: 'The peer sent malformed file data; nothing was written for that file.' });
}
