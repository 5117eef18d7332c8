import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rollChecksum, weakChecksum } from '../../../../src/transfer/tree-sync/rolling-checksum.js';

describe('weak rolling checksum', () => {
  it('rolling one byte at a time equals computing each window from scratch', () => {
    const data = randomBytes(5000);
    const len = 700;
    let sum = weakChecksum(data, 0, len);
    for (let k = 1; k + len <= data.length; k++) {
      sum = rollChecksum(sum, data[k - 1] as number, data[k + len - 1] as number, len);
      expect(sum).toBe(weakChecksum(data, k, k + len));
    }
  });

  it('matches rsync: s1 is the byte sum and s2 the weighted sum, both mod 2^16', () => {
    const data = Buffer.from([1, 2, 3]);
    // s1 = 6, s2 = 3*1 + 2*2 + 1*3 = 10
    expect(weakChecksum(data, 0, 3)).toBe(6 | (10 << 16));
    const big = Buffer.alloc(1000, 255);
    const s1 = (255 * 1000) & 0xffff;
    const s2 = ((255 * 1000 * 1001) / 2) % 65536;
    expect(weakChecksum(big, 0, 1000)).toBe((s1 | (s2 << 16)) >>> 0);
  });
});
