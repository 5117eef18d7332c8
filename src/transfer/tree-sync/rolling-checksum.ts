/**
 * rsync's weak rolling checksum (an Adler-32 variant, without rsync's CHAR_OFFSET since
 * it is 0 there too): s1 is the byte sum and s2 the position-weighted sum, both mod 2^16,
 * packed as s1 | s2 << 16. Rolling one byte forward is O(1), which is what lets the sender
 * test a block match at every offset.
 */
export function weakChecksum(buf: Uint8Array, start: number, end: number): number {
  let s1 = 0;
  let s2 = 0;
  const len = end - start;
  for (let i = start; i < end; i++) {
    s1 += buf[i] as number;
    s2 += (len - (i - start)) * (buf[i] as number);
  }
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

export function weakParts(sum: number): { s1: number; s2: number } {
  return { s1: sum & 0xffff, s2: sum >>> 16 };
}

/** Slide a window of `len` bytes one byte: drop `out`, take `inb`. */
export function rollChecksum(sum: number, out: number, inb: number, len: number): number {
  const s1 = ((sum & 0xffff) - out + inb) & 0xffff;
  const s2 = ((sum >>> 16) - len * out + s1) & 0xffff;
  return (s1 | (s2 << 16)) >>> 0;
}
