/**
 * Tree sync's SyncChannel carried by one agent stream: a message's `data` Buffer travels
 * as the frame body, the rest as the JSON header. Flow control is the stream's credit.
 */
import type { SyncChannel, SyncMessage } from '../tree-sync/protocol.js';
import type { AgentStream } from './agent-endpoint.js';

/**
 * `endWithResult`: the engine's clean close() does not end the stream; the stream handler
 * ends it with the engine's result instead, so the opener receives the statistics.
 */
export function syncChannelOver(stream: AgentStream, opts: { endWithResult?: boolean } = {}): SyncChannel {
  let first = true;
  return {
    async send(msg: SyncMessage): Promise<void> {
      if ('data' in msg && msg.data !== undefined) {
        const { data, ...header } = msg;
        await stream.send(header, data);
      } else {
        await stream.send(msg);
      }
    },
    [Symbol.asyncIterator](): AsyncIterator<SyncMessage> {
      return {
        async next(): Promise<IteratorResult<SyncMessage>> {
          if (first) {
            first = false;
            // The receiver sets up its staging directory after one await of its own; over a
            // real connection the file list can already be queued, so the first message waits
            // for the next turn of the event loop and never overtakes that set-up.
            await new Promise((r) => setImmediate(r));
          }
          const m = await stream.receive();
          if (m === null) return { done: true, value: undefined };
          const header = (m.header && typeof m.header === 'object' ? m.header : {}) as Record<string, unknown>;
          // Bytes come only from the body, never from JSON the peer wrote.
          const { data: _ignored, ...rest } = header;
          const withData = m.body !== undefined || rest.t === 'data' ? { ...rest, data: m.body ?? Buffer.alloc(0) } : rest;
          return { done: false, value: withData as unknown as SyncMessage };
        },
      };
    },
    close(err?: Error): void {
      if (err) stream.abort(err);
      else if (!opts.endWithResult) stream.end();
    },
  };
}
