import { HappierError } from '../../domain/errors.js';
import { decodeSyncMessage, encodeSyncMessage } from './sync-message-codec.js';
import { messageWireBytes, type SyncChannel, type SyncMessage } from './protocol.js';

export interface ChannelPairOptions {
  /** Bytes queued towards one side before `send` waits. */
  readonly highWaterBytes?: number;
  /** Round-trip every message through the wire codec, as a real transport would. */
  readonly encode?: boolean;
  /** Cut both directions once this many messages have been sent in total (tests of interruption). */
  readonly cutAfterMessages?: number;
}

export interface ChannelPair {
  readonly a: SyncChannel;
  readonly b: SyncChannel;
  /** Framed bytes sent so far, both directions. */
  wireBytes(): number;
  /** Messages sent so far, both directions. */
  messageCount(): number;
  /** Break the connection: both sides see the error, like a dropped SSH connection. */
  cut(err?: Error): void;
}

interface Inbox {
  queue: SyncMessage[];
  sizes: number[];
  head: number;
  bytes: number;
  ended: boolean;
  error: Error | undefined;
  wakeReader: (() => void) | undefined;
  wakeWriters: (() => void)[];
}

/** Two connected SyncChannels in one process, with byte-based backpressure. */
export function createChannelPair(opts: ChannelPairOptions = {}): ChannelPair {
  const highWater = opts.highWaterBytes ?? 4 * 1024 * 1024;
  const toA = newInbox();
  const toB = newInbox();
  let wire = 0;
  let sent = 0;

  const cut = (err: Error = new HappierError('TRANSFER_FAILED', 'connection lost')): void => {
    for (const box of [toA, toB]) {
      if (box.error === undefined) box.error = err;
      wake(box);
    }
  };

  const side = (inbox: Inbox, outbox: Inbox): SyncChannel => ({
    async send(msg) {
      if (outbox.error) throw outbox.error;
      if (outbox.ended) throw new HappierError('TRANSFER_FAILED', 'channel closed');
      const size = messageWireBytes(msg);
      const delivered = opts.encode ? decodeSyncMessage(encodeSyncMessage(msg), Number.MAX_SAFE_INTEGER) : msg;
      wire += size;
      sent += 1;
      outbox.queue.push(delivered);
      outbox.sizes.push(size);
      outbox.bytes += size;
      outbox.wakeReader?.();
      if (opts.cutAfterMessages !== undefined && sent >= opts.cutAfterMessages) cut();
      while (outbox.bytes > highWater && outbox.error === undefined && !outbox.ended) {
        await new Promise<void>((resolve) => outbox.wakeWriters.push(resolve));
      }
      if (outbox.error) throw outbox.error;
    },
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<SyncMessage>> {
          for (;;) {
            if (inbox.error) throw inbox.error;
            if (inbox.head < inbox.queue.length) {
              const msg = inbox.queue[inbox.head] as SyncMessage;
              // Drop the queue's reference at once: a message's buffers must die when it is handled.
              (inbox.queue as (SyncMessage | undefined)[])[inbox.head] = undefined;
              inbox.bytes -= inbox.sizes[inbox.head] ?? 0;
              inbox.head += 1;
              // Compact now and then so a long transfer does not keep every message alive.
              if (inbox.head > 1024 && inbox.head * 2 > inbox.queue.length) {
                inbox.queue = inbox.queue.slice(inbox.head);
                inbox.sizes = inbox.sizes.slice(inbox.head);
                inbox.head = 0;
              }
              if (inbox.bytes <= highWater) releaseWriters(inbox);
              return { value: msg, done: false };
            }
            if (inbox.ended) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (inbox.wakeReader = resolve));
            inbox.wakeReader = undefined;
          }
        },
        async return(): Promise<IteratorResult<SyncMessage>> {
          return { value: undefined, done: true };
        },
      };
    },
    close(err) {
      if (err) {
        // Giving up tears down both directions, like a dropped connection.
        for (const box of [inbox, outbox]) if (box.error === undefined) box.error = err;
        wake(inbox);
      } else {
        outbox.ended = true;
      }
      wake(outbox);
    },
  });

  return { a: side(toA, toB), b: side(toB, toA), wireBytes: () => wire, messageCount: () => sent, cut };
}

function newInbox(): Inbox {
  return { queue: [], sizes: [], head: 0, bytes: 0, ended: false, error: undefined, wakeReader: undefined, wakeWriters: [] };
}

function releaseWriters(box: Inbox): void {
  const writers = box.wakeWriters;
  box.wakeWriters = [];
  for (const w of writers) w();
}

function wake(box: Inbox): void {
  box.wakeReader?.();
  releaseWriters(box);
}
