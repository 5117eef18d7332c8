import { HappierError, type ErrorCode, ERROR_CODES } from '../../domain/errors.js';
import type { SendRequest, SendResult } from '../../domain/message-send.js';
import { openJson, sealJson } from '../e2e-envelope.js';
import { deliveredBefore, type RelayStatus } from '../relay-rules.js';
import type { SyncClient } from './sync-client.js';

/** How a relayed send stands on the server; `result` is sealed. */
export interface RelayView {
  readonly sendId: string;
  readonly senderMachineId: string;
  readonly targetMachineId: string;
  readonly status: RelayStatus;
  readonly result: string | null;
}

/** What the owner seals back: the send's result, or the expected failure it met. */
export type RelayAnswer =
  | { readonly ok: true; readonly result: SendResult }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string; readonly hint?: string; readonly details?: Record<string, unknown> } };

export interface RelayTiming {
  /** How long the sender waits for the owner's answer in all. */
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/** The associated data binds a sealed blob to its send, both machines and its direction. */
function relayAd(kind: 'request' | 'result', sendId: string, sender: string, target: string): string {
  return `happier/relay/v1\0${kind}\0${sendId}\0${sender}\0${target}`;
}

export function sealRequest(key: Uint8Array, req: SendRequest, sender: string, target: string): string {
  return sealJson(key, req, relayAd('request', req.sendId, sender, target));
}

export function openRequest(key: Uint8Array, sealed: string, sendId: string, sender: string, target: string): SendRequest {
  const req = openJson<SendRequest>(key, sealed, relayAd('request', sendId, sender, target));
  if (req.sendId !== sendId) throw new HappierError('PROTOCOL', 'a relayed send carried another send id than its envelope');
  return req;
}

export function sealAnswer(key: Uint8Array, answer: RelayAnswer, sendId: string, sender: string, target: string): string {
  return sealJson(key, answer, relayAd('result', sendId, sender, target));
}

export function openAnswer(key: Uint8Array, sealed: string, sendId: string, sender: string, target: string): RelayAnswer {
  return openJson<RelayAnswer>(key, sealed, relayAd('result', sendId, sender, target));
}

/** The owner's answer as the sender's result, or the owner's error as a HappierError here. */
export function answerToResult(a: RelayAnswer): SendResult {
  if (a.ok) return a.result;
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(a.error.code) ? (a.error.code as ErrorCode) : 'PROTOCOL';
  throw new HappierError(code, a.error.message, { ...(a.error.hint ? { hint: a.error.hint } : {}), details: { ...(a.error.details ?? {}), relayed: true } });
}

export function relayTimeoutMs(req: SendRequest, env: Readonly<Record<string, string | undefined>>): number {
  const n = Number(env.HAPPIER_RELAY_TIMEOUT_MS);
  const base = Number.isFinite(n) && n > 0 ? n : 60_000;
  // Under --wait the owner also waits for the reply, so the sender waits that much longer.
  return req.wait ? base + req.timeoutMs : base;
}

/**
 * Sends through the sync server to the owner's daemon and waits for its answer. Exactly
 * once: the server keeps one row per send id, so posting again after a cut connection
 * joins the first attempt (or reads its result), and the owner's send path dedupes by id.
 */
export async function sendViaRelay(sync: SyncClient, ownerMachineId: string, req: SendRequest, timing?: Partial<RelayTiming>): Promise<SendResult> {
  const t: RelayTiming = {
    timeoutMs: timing?.timeoutMs ?? relayTimeoutMs(req, sync.env),
    pollMs: timing?.pollMs ?? 250,
    sleep: timing?.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: timing?.now ?? Date.now,
  };
  const self = sync.machineId;
  const key = sync.accountKey;
  const deadline = t.now() + t.timeoutMs;
  let view = await sync.http.post<RelayView>('/v1/relay', {
    sendId: req.sendId,
    targetMachineId: ownerMachineId,
    payload: sealRequest(key, req, self, ownerMachineId),
    ttlSec: Math.max(1, Math.min(3600, Math.ceil(t.timeoutMs / 1000))),
  });
  const repeated = deliveredBefore(view.status);
  const open = (v: RelayView): SendResult => {
    const result = answerToResult(openAnswer(key, v.result!, req.sendId, self, ownerMachineId));
    return repeated ? { ...result, delivery: 'duplicate' } : result;
  };
  let nextPresence = 0;
  while (view.status !== 'done') {
    if (view.status !== 'taken' && t.now() >= nextPresence) {
      nextPresence = t.now() + 2_000;
      const owner = (await sync.presence()).find((m) => m.machineId === ownerMachineId);
      if (!owner || !owner.online) {
        const withdrawn = await withdraw(sync, req.sendId);
        if (withdrawn.status === 'done') return open(withdrawn);
        if (withdrawn.status !== 'taken') throw ownerOffline(ownerMachineId, owner?.name, owner?.lastSeenAt ?? null);
      }
    }
    if (t.now() >= deadline) {
      const last = await withdraw(sync, req.sendId);
      if (last.status === 'done') return open(last);
      throw timedOut(req.sendId, t.timeoutMs, last.status === 'taken');
    }
    await t.sleep(t.pollMs);
    view = await sync.http.get<RelayView>(`/v1/relay/${encodeURIComponent(req.sendId)}`);
  }
  return open(view);
}

/** Calls a send back; when the owner already took or answered it, returns where it stands instead. */
async function withdraw(sync: SyncClient, sendId: string): Promise<RelayView> {
  const path = `/v1/relay/${encodeURIComponent(sendId)}`;
  try {
    return await sync.http.delete<RelayView>(path);
  } catch (err) {
    if (err instanceof HappierError && err.code === 'CONFLICT') return sync.http.get<RelayView>(path);
    throw err;
  }
}

function ownerOffline(machineId: string, name: string | undefined, lastSeenAt: string | null): HappierError {
  return new HappierError('MACHINE_OFFLINE', `the owner ${name ?? machineId} is offline${lastSeenAt ? ` (last seen ${lastSeenAt})` : ''}; nothing was sent`, {
    hint: 'start its daemon (`happier server daemon start` on it), or send again once it is online',
    details: { ownerMachineId: machineId, lastSeenAt },
  });
}

function timedOut(sendId: string, ms: number, taken: boolean): HappierError {
  return new HappierError(
    'SEND_TIMEOUT',
    taken
      ? `the owner took send ${sendId} but did not answer within ${Math.round(ms / 1000)}s; it may still be delivered`
      : `the owner did not take send ${sendId} within ${Math.round(ms / 1000)}s; it was withdrawn and not delivered`,
    {
      hint: taken ? 'send again with the same send id to read its result; it will not be delivered twice' : 'check the owner with `happier server status`',
      details: { sendId, taken },
    },
  );
}

/** The owner's side: the sends waiting for this machine, opened; ones that do not open are skipped. */
export async function relayInbox(sync: SyncClient): Promise<{ sendId: string; senderMachineId: string; req: SendRequest | null }[]> {
  const { sends } = await sync.http.get<{ sends: { sendId: string; senderMachineId: string; payload: string }[] }>('/v1/relay/inbox');
  return sends.map((s) => {
    let req: SendRequest | null = null;
    try {
      req = openRequest(sync.accountKey, s.payload, s.sendId, s.senderMachineId, sync.machineId);
    } catch {
      req = null;
    }
    return { sendId: s.sendId, senderMachineId: s.senderMachineId, req };
  });
}

/**
 * Takes one send, runs it through `deliver` (the same path as `happier send` here) and
 * posts the sealed answer. A send the sender withdrew in the meantime is left alone.
 */
export async function answerRelay(
  sync: SyncClient,
  job: { sendId: string; senderMachineId: string; req: SendRequest | null },
  deliver: (req: SendRequest) => Promise<SendResult>,
): Promise<'answered' | 'gone'> {
  const base = `/v1/relay/${encodeURIComponent(job.sendId)}`;
  try {
    await sync.http.post(`${base}/take`, {});
  } catch (err) {
    if (err instanceof HappierError && (err.code === 'SEND_TIMEOUT' || err.code === 'NOT_FOUND')) return 'gone';
    throw err;
  }
  let answer: RelayAnswer;
  if (!job.req) {
    answer = { ok: false, error: { code: 'PROTOCOL', message: 'the relayed send did not open with the owner\'s account key' } };
  } else {
    try {
      answer = { ok: true, result: await deliver(job.req) };
    } catch (err) {
      if (!(err instanceof HappierError)) throw err;
      answer = { ok: false, error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}), details: { ...err.details } } };
    }
  }
  await sync.http.post(`${base}/result`, { result: sealAnswer(sync.accountKey, answer, job.sendId, job.senderMachineId, sync.machineId) });
  return 'answered';
}
