import { describe, expect, it } from 'vitest';
import { createChannelPair } from '../../../../src/transfer/tree-sync/in-process-channel.js';
import { decodeSyncMessage, encodeSyncMessage } from '../../../../src/transfer/tree-sync/sync-message-codec.js';
import { messageWireBytes, type SyncMessage } from '../../../../src/transfer/tree-sync/protocol.js';

describe('sync messages on the wire', () => {
  it.each<SyncMessage>([
    { t: 'hello', v: 1, syncId: 'abc' },
    { t: 'data', id: 12345, data: Buffer.from('bytes'), end: true, hash: '0123456789abcdef0123456789abcdef' },
    { t: 'data', id: 7, data: Buffer.alloc(0) },
    { t: 'need', id: 3, blockSize: 700, basisSize: 1400, data: Buffer.alloc(24, 1) },
    { t: 'abort', code: 'UNSAFE_PATH', message: 'no' },
  ])('round-trips %j and counts its framed size exactly', (msg) => {
    const buf = encodeSyncMessage(msg);
    expect(decodeSyncMessage(buf, 1 << 20)).toEqual(msg);
    expect(messageWireBytes(msg)).toBe(buf.length);
  });

  it('refuses oversized, truncated and unknown messages', () => {
    expect(() => decodeSyncMessage(Buffer.alloc(100), 50)).toThrow(/limit/);
    expect(() => decodeSyncMessage(Buffer.from([0, 0, 0, 9, 1]), 50)).toThrow(/truncated/);
    const unknown = encodeSyncMessage({ t: 'hello', v: 1, syncId: 'x' }).toString('latin1').replace('hello', 'hellx');
    expect(() => decodeSyncMessage(Buffer.from(unknown, 'latin1'), 500)).toThrow(/unknown message type/);
  });
});

describe('in-process channel', () => {
  it('delivers in order and makes the sender wait while the reader is behind', async () => {
    const pair = createChannelPair({ highWaterBytes: 1000 });
    let sent = 0;
    const writer = (async () => {
      for (let i = 0; i < 10; i++) {
        await pair.a.send({ t: 'data', id: i, data: Buffer.alloc(400) });
        sent++;
      }
      pair.a.close();
    })();
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toBeLessThan(4);
    const got: number[] = [];
    for await (const m of pair.b) got.push((m as { id: number }).id);
    await writer;
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a cut fails both sides', async () => {
    const pair = createChannelPair();
    const it = pair.b[Symbol.asyncIterator]();
    const pending = it.next();
    pair.cut();
    await expect(pending).rejects.toThrow(/connection lost/);
    await expect(pair.a.send({ t: 'hello', v: 1, syncId: 'x' })).rejects.toThrow(/connection lost/);
  });
});
