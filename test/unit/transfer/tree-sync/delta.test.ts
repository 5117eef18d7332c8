import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseBlockSize, parseSignature, SignatureBuilder } from '../../../../src/transfer/tree-sync/block-signature.js';
import { applyOps, bufferBasis } from '../../../../src/transfer/tree-sync/delta-apply.js';
import { DeltaEncoder } from '../../../../src/transfer/tree-sync/delta-encoder.js';
import { OpWriter, readOps } from '../../../../src/transfer/tree-sync/op-stream.js';
import { loadBlockHasher } from '../../../../src/transfer/tree-sync/strong-hash.js';

/** Deterministic pseudo-random bytes, so a failure can be replayed. */
function seeded(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function roundTrip(oldData: Buffer, newData: Buffer, chunk: number, compress = true) {
  const hasher = await loadBlockHasher();
  const blockSize = chooseBlockSize(oldData.length);
  const sb = new SignatureBuilder(hasher, blockSize, oldData.length);
  for (let off = 0; off < oldData.length; off += blockSize * 7) sb.add(oldData.subarray(off, off + blockSize * 7));
  const sig = parseSignature(sb.result(), blockSize, oldData.length);
  const ops = new OpWriter(compress);
  const enc = new DeltaEncoder(sig, hasher, ops);
  const opBuffers: Buffer[] = [];
  for (let off = 0; off < newData.length; off += chunk) {
    enc.push(newData.subarray(off, off + chunk));
    if (ops.pendingBytes > 4096) opBuffers.push(ops.take());
  }
  enc.finish();
  opBuffers.push(ops.take());
  const parts: Buffer[] = [];
  for (const b of opBuffers) await applyOps(b, bufferBasis(oldData, blockSize), (p) => void parts.push(Buffer.from(p)));
  const rebuilt = Buffer.concat(parts);
  return { rebuilt, literalBytes: ops.literalBytes, matchedBlocks: ops.matchedBlocks, wire: opBuffers.reduce((n, b) => n + b.length, 0), blockSize };
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('delta round trip', () => {
  it('an unchanged file is sent as copies only', async () => {
    const data = seeded(1, 300_000);
    const r = await roundTrip(data, data, 65536);
    expect(md5(r.rebuilt)).toBe(md5(data));
    expect(r.literalBytes).toBe(0);
  });

  it.each([
    ['insertion in the middle', (d: Buffer) => Buffer.concat([d.subarray(0, 150_000), seeded(9, 333), d.subarray(150_000)])],
    ['deletion', (d: Buffer) => Buffer.concat([d.subarray(0, 100_000), d.subarray(104_321)])],
    ['shift by one byte at the front', (d: Buffer) => Buffer.concat([Buffer.from([7]), d])],
    ['append', (d: Buffer) => Buffer.concat([d, seeded(4, 5000)])],
    ['truncate', (d: Buffer) => d.subarray(0, 200_001)],
    ['several edits', (d: Buffer) => {
      const c = Buffer.from(d);
      for (const at of [10, 50_000, 123_456, 299_000]) c[at] = (c[at] as number) ^ 0xff;
      return Buffer.concat([c.subarray(0, 70_000), seeded(5, 17), c.subarray(90_000)]);
    }],
    ['completely different', () => seeded(77, 310_000)],
    ['empty new file', () => Buffer.alloc(0)],
  ])('%s rebuilds the exact new file', async (_name, edit) => {
    const oldData = seeded(2, 300_000);
    const newData = edit(oldData);
    for (const chunk of [1000, 65536, 1 << 20]) {
      const r = await roundTrip(oldData, newData, chunk);
      expect(md5(r.rebuilt)).toBe(md5(newData));
    }
  });

  it('sends little more than the inserted bytes for a small insertion', async () => {
    const oldData = seeded(3, 1_000_000);
    const newData = Buffer.concat([oldData.subarray(0, 500_000), seeded(8, 100), oldData.subarray(500_000)]);
    const r = await roundTrip(oldData, newData, 65536);
    expect(md5(r.rebuilt)).toBe(md5(newData));
    expect(r.literalBytes).toBeLessThan(100 + 2 * r.blockSize);
    expect(r.wire).toBeLessThan(3 * r.blockSize);
  });

  it('random files of many sizes, with random edits, rebuild exactly', async () => {
    for (let seed = 10; seed < 40; seed++) {
      const size = (seed * 7919) % 50_000;
      const oldData = seeded(seed, size);
      const at = size === 0 ? 0 : seed % size;
      const newData = Buffer.concat([oldData.subarray(0, at), randomBytes(seed % 5), oldData.subarray(at + (seed % 3))]);
      const r = await roundTrip(oldData, newData, 1 + (seed * 131) % 9000, seed % 2 === 0);
      expect(md5(r.rebuilt)).toBe(md5(newData));
    }
  });
});

describe('op stream', () => {
  it('compresses compressible literals and leaves random ones raw', () => {
    const ops = new OpWriter(true);
    ops.literal(Buffer.alloc(100_000, 'a'));
    expect(ops.take().length).toBeLessThan(1000);
    const rnd = randomBytes(100_000);
    ops.literal(rnd);
    const raw = ops.take();
    expect(raw.length).toBeLessThan(100_010);
    expect(Buffer.concat([...readOps(raw)].map((o) => (o.kind === 'literal' ? o.data : Buffer.alloc(0))))).toEqual(rnd);
  });

  it('sends a long random literal raw, while a compressible start on random bytes still compresses', () => {
    const ops = new OpWriter(true);
    const rnd = randomBytes(256 * 1024);
    ops.literal(rnd);
    const [op, ...rest] = [...readOps(ops.take())];
    expect(rest).toEqual([]);
    expect(op).toEqual({ kind: 'literal', data: rnd });
    expect(ops.compressing).toBe(false);
    // A compressible header on random bytes still compresses (the probe sees the header).
    const mixed = new OpWriter(true);
    mixed.literal(Buffer.concat([Buffer.alloc(64 * 1024, 'h'), randomBytes(64 * 1024)]));
    expect(mixed.take().length).toBeLessThan(70 * 1024);
    expect(mixed.compressing).toBe(true);
  });

  it('refuses a compressed literal that inflates past its stated size', () => {
    const ops = new OpWriter(true);
    ops.literal(Buffer.alloc(10_000, 'b'));
    const buf = ops.take();
    // Lower the stated raw length (varint after the op byte) from 10,000 to 100.
    const forged = Buffer.concat([Buffer.from([0x02, 100]), buf.subarray(3)]);
    expect(() => [...readOps(forged)]).toThrow(/inflate/);
  });

  it('refuses unknown ops and truncated numbers', () => {
    expect(() => [...readOps(Buffer.from([0x09]))]).toThrow(/unknown op/);
    expect(() => [...readOps(Buffer.from([0x03, 0x80]))]).toThrow(/truncated/);
  });

  it('chooses block sizes like rsync', () => {
    expect(chooseBlockSize(10)).toBe(700);
    expect(chooseBlockSize(490_000)).toBe(700);
    expect(chooseBlockSize(200 * 1024 * 1024)).toBe(14480);
    expect(chooseBlockSize(100 * 1024 ** 3)).toBe(131072);
  });
});
