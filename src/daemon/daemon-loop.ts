import type { SendRequest, SendResult } from '../domain/message-send.js';
import { listPairings } from '../pairing/pairing-service.js';
import { answerRelay, relayInbox } from '../server/client/relay-client.js';
import { runHeartbeats, type ServerEvent } from '../server/client/heartbeat-loop.js';
import type { InputOf, SyncClient } from '../server/client/sync-client.js';

export interface DaemonDeps {
  readonly sync: SyncClient;
  /** The same entry `happier send` uses for a session this machine owns. */
  readonly deliver: (req: SendRequest) => Promise<SendResult>;
  /** Whether this machine owns a session now (a pairing claim of one is acknowledged in the log). */
  readonly ownsSession: (sessionId: string) => boolean;
  /** Each owned session's input state now (asks tmux once); published with the sessions. */
  readonly inputs: () => Promise<InputOf & { readonly fingerprint: string }>;
  /** A number that changes whenever another process committed to the registry (SQLite's data_version). */
  readonly registryVersion: () => number;
  /** False once the pid file no longer names this daemon (HAPPIER_HOME removed, or another took over): it then stops. */
  readonly stillMine: () => boolean;
  readonly log: (line: string) => void;
  readonly heartbeatMs: number;
  /** How often the registry is looked at (locally) and the inbox asked (a fallback for a missed push). */
  readonly pollMs: number;
  readonly signal: AbortSignal;
}

/**
 * The per-user daemon: stays online, publishes this machine's sessions when the registry
 * changes, and answers relayed sends for the sessions it owns. Resolves once `signal` aborts.
 */
export async function runDaemon(d: DaemonDeps): Promise<void> {
  const own = new AbortController();
  d.signal.addEventListener('abort', () => own.abort(), { once: true });
  const signal = own.signal;
  const inFlight = new Set<string>();
  let draining: Promise<void> | undefined;
  let again = false;
  const drain = (): void => {
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      do {
        again = false;
        const jobs = await relayInbox(d.sync);
        for (const job of jobs) {
          if (inFlight.has(job.sendId)) continue;
          inFlight.add(job.sendId);
          // Each send runs on its own, so a long --wait does not hold the others up.
          answerRelay(d.sync, job, d.deliver).then(
            (r) => d.log(`relayed send ${job.sendId} from ${job.senderMachineId}: ${r}`),
            (err: unknown) => d.log(`relayed send ${job.sendId} failed: ${(err as Error).message}`),
          ).finally(() => inFlight.delete(job.sendId));
        }
      } while (again && !signal.aborted);
    })().catch((err: unknown) => d.log(`inbox: ${(err as Error).message}`)).finally(() => (draining = undefined));
  };

  let lastVersion = -1;
  let lastInputs = '';
  const publish = async (why: string): Promise<void> => {
    lastVersion = d.registryVersion();
    try {
      const inputOf = await d.inputs();
      lastInputs = inputOf.fingerprint;
      const r = await d.sync.sync(inputOf);
      d.log(`sync (${why}): published ${r.published}${r.lost.length ? `, ${r.lost.length} moved elsewhere` : ''}`);
    } catch (err) {
      d.log(`sync (${why}) failed: ${(err as Error).message}`);
    }
  };

  const onClaim = async (codeId: string, claimedBy: string): Promise<void> => {
    const p = (await listPairings(d.sync)).find((c) => c.id === codeId);
    if (p?.sessionId && d.ownsSession(p.sessionId)) d.log(`pairing ${p.lookup ?? codeId}: session ${p.sessionId} is now viewed from machine ${claimedBy}`);
  };

  const onEvent = (e: ServerEvent | { type: 'relay'; sendId: string } | { type: 'pairing'; id: string; claimedBy: string }): void => {
    if (e.type === 'pairing') onClaim(e.id, e.claimedBy).catch((err: unknown) => d.log(`pairing: ${(err as Error).message}`));
    if (e.type === 'hello') {
      d.log(`online as ${e.machineId}`);
      void publish('connected');
      drain();
    }
    if (e.type === 'relay') drain();
    if (e.type === 'owner' && e.ownerMachineId !== d.sync.machineId) void publish(`session ${e.sessionId} moved`);
    if (e.type === 'closed' && !signal.aborted) d.log(`connection closed (${e.code}); reconnecting`);
  };

  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    if (!d.stillMine()) {
      d.log('the pid file no longer names this daemon; stopping');
      own.abort();
      return;
    }
    if (d.registryVersion() !== lastVersion) void publish('registry changed');
    if (ticks % 10 === 0) {
      drain();
      // A provider that exits changes no registry row, only what tmux says; look at that less often.
      d.inputs().then(
        (i) => (i.fingerprint !== lastInputs ? publish('input changed') : undefined),
        () => undefined,
      );
    }
  }, d.pollMs);
  try {
    await runHeartbeats(d.sync, { intervalMs: d.heartbeatMs, signal, onEvent: onEvent as (e: ServerEvent) => void });
  } finally {
    clearInterval(timer);
  }
}
