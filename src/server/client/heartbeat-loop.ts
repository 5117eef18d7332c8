import WebSocket from 'ws';
import { heartbeatEveryMs } from '../../domain/heartbeat-interval.js';
import { notConnected, type SyncClient } from './sync-client.js';

export const DEFAULT_HEARTBEAT_MS = 10_000;

export function heartbeatIntervalMs(env: Readonly<Record<string, string | undefined>>): number {
  const n = Number(env.HAPPIER_HEARTBEAT_MS);
  return Number.isFinite(n) && n >= 50 ? n : DEFAULT_HEARTBEAT_MS;
}

export type ServerEvent =
  | { type: 'hello'; machineId: string; offlineAfterMs: number }
  | { type: 'ack'; at: string }
  | { type: 'presence'; machines: { machineId: string; name: string; online: boolean }[] }
  | { type: 'owner'; sessionId: string; ownerMachineId: string; ownerEpoch: number }
  | { type: 'closed'; code: number; reason: string }
  | { type: 'error'; message: string };

/**
 * Keeps this machine online: a WebSocket to the server with a heartbeat every interval,
 * reconnecting with backoff. Resolves once `signal` aborts.
 */
export async function runHeartbeats(client: SyncClient, opts: { intervalMs: number; signal: AbortSignal; onEvent: (e: ServerEvent) => void }): Promise<void> {
  let backoff = 500;
  while (!opts.signal.aborted) {
    const opened = await oneConnection(client, opts);
    if (opened === 'unauthorized') throw notConnected();
    if (opts.signal.aborted) break;
    backoff = opened ? 500 : Math.min(backoff * 2, 30_000);
    await sleep(backoff, opts.signal);
  }
}

/** Resolves once the socket closes: whether it had opened, or 'unauthorized' when the server no longer knows this machine. */
function oneConnection(
  client: SyncClient,
  opts: { intervalMs: number; signal: AbortSignal; onEvent: (e: ServerEvent) => void },
): Promise<boolean | 'unauthorized'> {
  return new Promise((resolve) => {
    const url = client.connection.url.replace(/^http/, 'ws') + '/v1/ws';
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${client.connection.machineToken}` }, handshakeTimeout: 5_000 });
    let opened = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => ws.close(1000, 'client stopping');
    opts.signal.addEventListener('abort', stop, { once: true });
    const beat = () => ws.send(JSON.stringify({ type: 'heartbeat' }));
    ws.on('open', () => {
      opened = true;
      timer = setInterval(beat, opts.intervalMs);
    });
    ws.on('message', (data) => {
      let event: ServerEvent;
      try {
        event = JSON.parse(String(data)) as ServerEvent;
      } catch {
        // A message this version does not understand is not a reason to drop the connection.
        return;
      }
      if (event.type === 'hello') {
        clearInterval(timer);
        timer = setInterval(beat, heartbeatEveryMs(opts.intervalMs, event.offlineAfterMs));
      }
      opts.onEvent(event);
    });
    let unauthorized = false;
    ws.on('unexpected-response', (_req, res) => {
      unauthorized = res.statusCode === 401;
      ws.terminate();
    });
    ws.on('error', (err) => opts.onEvent({ type: 'error', message: err.message }));
    ws.on('close', (code, reason) => {
      if (timer) clearInterval(timer);
      opts.signal.removeEventListener('abort', stop);
      if (!unauthorized) opts.onEvent({ type: 'closed', code, reason: reason.toString() });
      // 4001: the server dropped this machine while the socket was open.
      resolve(unauthorized || code === 4001 ? 'unauthorized' : opened);
    });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
