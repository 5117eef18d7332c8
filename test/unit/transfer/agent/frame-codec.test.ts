import { describe, expect, it } from 'vitest';
import { afterBanner, BANNER, encodeFrame, FrameDecoder, FrameType, MAX_FRAME_BYTES } from '../../../../src/transfer/agent/frame-codec.js';
import { decodeMessage, encodeMessage } from '../../../../src/transfer/agent/message-codec.js';

describe('agent frames', () => {
  it('round-trip a header and a binary body, whatever the chunking', () => {
    const body = Buffer.from([0, 1, 2, 250, 255]);
    const wire = Buffer.concat([encodeFrame(FrameType.DATA, 7, { t: 'data', id: 3 }, body), encodeFrame(FrameType.END, 7, undefined)]);
    for (const size of [1, 3, 13, wire.length]) {
      const dec = new FrameDecoder();
      const frames = [];
      for (let i = 0; i < wire.length; i += size) frames.push(...dec.push(wire.subarray(i, i + size)));
      expect(frames.map((f) => [f.type, f.stream, f.header, f.body ? [...f.body] : undefined])).toEqual([
        [FrameType.DATA, 7, { t: 'data', id: 3 }, [0, 1, 2, 250, 255]],
        [FrameType.END, 7, undefined, undefined],
      ]);
    }
  });

  it('refuses a frame longer than the limit before buffering it', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_FRAME_BYTES + 1);
    expect(() => new FrameDecoder().push(head)).toThrow(/frame of \d+ bytes/);
  });

  it('refuses a header that is not JSON', () => {
    const f = encodeFrame(FrameType.REQUEST, 1, { a: 1 });
    f.write('{', 13);
    f.write('!', 14);
    expect(() => new FrameDecoder().push(f)).toThrow(/not JSON/);
  });

  it('finds the banner after whatever a login shell printed first', () => {
    expect(afterBanner(Buffer.from('Welcome!\n'))).toBeUndefined();
    const found = afterBanner(Buffer.concat([Buffer.from('motd\n'), Buffer.from(BANNER), Buffer.from([9, 9])]));
    expect(found?.junk).toBe('motd\n');
    expect([...found!.rest]).toEqual([9, 9]);
  });
});

describe('message objects with Buffers', () => {
  it('carry every Buffer in the body and rebuild the same object', () => {
    const msg = { t: 'need', id: 4, data: Buffer.from('sig'), nested: [{ x: Buffer.from('yy') }], n: null };
    const { header, body } = encodeMessage(msg);
    expect(JSON.stringify(header)).not.toContain('sig');
    expect(decodeMessage(JSON.parse(JSON.stringify(header)), body)).toEqual(msg);
  });

  it('refuses a reference outside the body', () => {
    expect(() => decodeMessage({ data: { $b: [2, 10] } }, Buffer.alloc(4))).toThrow(/outside its body/);
  });
});
