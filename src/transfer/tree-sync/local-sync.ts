import { createChannelPair } from './in-process-channel.js';
import { receiveTree, type ReceiveResult, type ReceiveTreeOptions } from './receiver.js';
import { isFromPeer } from './sync-errors.js';
import { sendTree, type SendResult, type SendTreeOptions } from './sender.js';

export interface LocalSyncResult {
  readonly sent: SendResult;
  readonly received: ReceiveResult;
  /** Framed bytes both ways, as a transport would carry them. */
  readonly wireBytes: number;
  readonly durationMs: number;
}

/** Syncs two directories on this machine through an in-process channel. */
export async function syncTreeLocal(
  source: string,
  dest: string,
  opts: { send?: SendTreeOptions; receive?: ReceiveTreeOptions } = {},
): Promise<LocalSyncResult> {
  const started = performance.now();
  const pair = createChannelPair();
  const receiving = receiveTree(dest, pair.b, opts.receive);
  const sending = sendTree(source, pair.a, opts.send);
  const [s, r] = await Promise.allSettled([sending, receiving]);
  // The side that gave up first names the real problem; the other only saw its abort.
  if (r.status === 'rejected' && (s.status === 'fulfilled' || !isFromPeer(r.reason))) throw r.reason;
  if (s.status === 'rejected') throw s.reason;
  if (r.status === 'rejected') throw r.reason;
  const sent = s.value;
  const received = r.value;
  return { sent, received, wireBytes: pair.wireBytes(), durationMs: performance.now() - started };
}
