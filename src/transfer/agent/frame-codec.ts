/**
 * The agent protocol's wire format. After a one-line banner, everything is frames:
 *
 *   u32 length (of what follows) | u8 type | u32 stream | u32 header length | header (JSON) | body
 *
 * The header is small JSON; the body is raw bytes (file data), so bulk data is never
 * JSON-escaped. Pure: no I/O.
 */
import { HappierError } from '../../domain/errors.js';

export const PROTOCOL_VERSION = 1;
/** Written by the agent before its first frame; the client skips anything a login shell printed before it. */
export const BANNER = `HAPPIER-AGENT/${PROTOCOL_VERSION}\n`;
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export const FrameType = {
  HELLO: 0,
  REQUEST: 1,
  RESPONSE: 2,
  ERROR: 3,
  OPEN: 4,
  DATA: 5,
  CREDIT: 6,
  END: 7,
  RESET: 8,
  GOODBYE: 9,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  readonly type: FrameType;
  readonly stream: number;
  readonly header: unknown;
  readonly body: Buffer | undefined;
  /** Bytes on the wire, which flow-control credit counts. */
  readonly size: number;
}

const PREFIX = 13;

export function encodeFrame(type: FrameType, stream: number, header: unknown, body?: Buffer): Buffer {
  const head = encodeFrameHead(type, stream, header, body?.length ?? 0);
  return body?.length ? Buffer.concat([head, body], head.length + body.length) : head;
}

/** Everything of a frame but its body, for writing a large body without copying it. */
export function encodeFrameHead(type: FrameType, stream: number, header: unknown, bodyLength: number): Buffer {
  const json = header === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.allocUnsafe(PREFIX + json.length);
  head.writeUInt32BE(9 + json.length + bodyLength, 0);
  head.writeUInt8(type, 4);
  head.writeUInt32BE(stream, 5);
  head.writeUInt32BE(json.length, 9);
  json.copy(head, PREFIX);
  return head;
}

/** Turns a byte stream into frames; feed it chunks as they arrive. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const len = this.peekLength();
      if (len < 9 || len > MAX_FRAME_BYTES) {
        throw new HappierError('PROTOCOL', `the peer sent a frame of ${len} bytes`, {
          hint: 'the two sides do not speak the same protocol; update happier on both machines',
        });
      }
      if (this.buffered < 4 + len) break;
      const buf = this.take(4 + len);
      const type = buf.readUInt8(4) as FrameType;
      const stream = buf.readUInt32BE(5);
      const hlen = buf.readUInt32BE(9);
      if (PREFIX + hlen > buf.length) throw new HappierError('PROTOCOL', 'the peer sent a malformed frame header', { hint: 'update happier on both machines' });
      let header: unknown;
      if (hlen > 0) {
        try {
          header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + hlen));
        } catch {
          throw new HappierError('PROTOCOL', 'the peer sent a frame header that is not JSON', { hint: 'update happier on both machines' });
        }
      }
      const body = buf.length > PREFIX + hlen ? buf.subarray(PREFIX + hlen) : undefined;
      frames.push({ type, stream, header, body, size: buf.length });
    }
    return frames;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    return Buffer.concat(this.chunks, 4).subarray(0, 4).readUInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - off);
        c.copy(out, off, 0, k);
        off += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** Finds the banner in what the channel printed first; returns the bytes after it, or undefined to wait for more. */
export function afterBanner(prefix: Buffer): { rest: Buffer; junk: string } | undefined {
  const at = prefix.indexOf(BANNER);
  if (at < 0) return undefined;
  return { rest: prefix.subarray(at + BANNER.length), junk: prefix.toString('utf8', 0, at) };
}
