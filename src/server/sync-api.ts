import { randomBytes, randomUUID } from 'node:crypto';
import { hashToken, verifierMatches, type CodePurpose } from './code-keys.js';
import { claimRefusal, effectiveStatus, LINK_TTL_SEC, MAX_FAILED_PROOFS, PAIR_TTL_MAX_SEC } from './code-rules.js';
import { decideCas, decidePublish } from './ownership-rules.js';
import { decidePost, decideTake, decideWithdraw, relayStatus } from './relay-rules.js';
import type { PresenceEntry, PresenceHub } from './presence-hub.js';
import type { RateLimiter } from './rate-limiter.js';
import type { MachineRow, RelaySendRow, ServerStore, SessionRecordRow } from './server-store.js';
import { asObject, B64URL, bad, HEX64, ID_PATTERN, int, isoTime, list, str, WireError, type Body } from './wire-validate.js';

/** The caller of a request, once its bearer token has been checked. */
export interface Caller {
  readonly machine: MachineRow;
  readonly ip: string;
}

export interface Limits {
  readonly perCaller: RateLimiter;
  readonly perIp: RateLimiter;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SSH_TARGET = /^[A-Za-z0-9._@:\[\]-]{1,200}$/;
const CIPHERTEXT_MAX = 64 * 1024;
const PUBLISH_BATCH_MAX = 500;
const CODE_HISTORY = 200;
/** A relayed message and its reply travel sealed; this bounds each sealed blob. */
const RELAY_BLOB_MAX = 512 * 1024;
const RELAY_TTL_MAX_SEC = 3600;
/** The ids `happier send --send-id` accepts. */
const SEND_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** Answered relays are kept a day, so a sender retrying late still reads its result. */
const RELAY_RETENTION_MS = 24 * 3600_000;
/** Codes stay listable for a day after they expire, then go. */
const CODE_RETENTION_MS = 24 * 3600_000;

export function recordJson(r: SessionRecordRow) {
  return {
    sessionId: r.session_id,
    ownerMachineId: r.owner_machine_id,
    ownerEpoch: r.owner_epoch,
    updatedAt: r.updated_at,
    ciphertext: r.ciphertext,
  };
}

/**
 * Every route's logic, on validated input. The HTTP layer authenticates, reads bodies
 * and turns WireErrors into status codes; nothing here touches sockets.
 */
export class SyncApi {
  constructor(
    private readonly store: ServerStore,
    private readonly hub: PresenceHub,
    private readonly limits: Limits,
    private readonly now: () => number,
  ) {}

  authenticate(token: string | undefined): MachineRow | undefined {
    if (!token || token.length > 200) return undefined;
    return this.store.machineByToken(hashToken(token));
  }

  createAccount(raw: unknown, ip: string) {
    this.limitIp(ip);
    const body = asObject(raw);
    const machine = machineFields(body);
    const token = newToken();
    const accountId = randomUUID();
    const t = this.now();
    this.store.tx(() => {
      if (this.store.machine(machine.id)) {
        throw new WireError(409, 'CONFLICT', 'this machine is already registered with the server', {
          hint: 'join the existing account with a link code (`happier server link` on a joined machine)',
        });
      }
      this.store.createAccount(accountId, t);
      this.store.insertMachine({ ...machine, accountId, tokenHash: hashToken(token) }, t);
    });
    this.hub.seen(machine.id, accountId, t);
    return { accountId, machineId: machine.id, token };
  }

  issueCode(kind: CodePurpose, caller: Caller, raw: unknown) {
    const body = asObject(raw);
    const lookupHash = str(body, 'lookupHash', { max: 64, pattern: HEX64 });
    const verifier = str(body, 'verifier', { max: 64, pattern: HEX64 });
    const payload = str(body, 'payload', { max: CIPHERTEXT_MAX, pattern: B64URL });
    const note = str(body, 'note', { max: 4096, pattern: B64URL, optional: true }) ?? null;
    const ttlSec = kind === 'link' ? LINK_TTL_SEC : (int(body, 'ttlSec', { min: 1, max: PAIR_TTL_MAX_SEC }) as number);
    const t = this.now();
    const id = randomUUID();
    const expiresAt = t + ttlSec * 1000;
    this.store.tx(() => {
      // The lookup group is short, so two live codes could share it; the issuer draws again.
      if (this.store.openCodes(kind, lookupHash, t) > 0) {
        throw new WireError(409, 'CONFLICT', 'a live code already uses this lookup group', { retry: true });
      }
      this.store.insertCode({ id, kind, accountId: caller.machine.account_id, issuer: caller.machine.id, lookupHash, verifier, payload, note, expiresAt }, t);
    });
    if (Math.random() < 0.01) this.store.pruneCodes(t - CODE_RETENTION_MS);
    return { id, expiresAt: new Date(expiresAt).toISOString(), ttlSec };
  }

  /**
   * One claim attempt. Every attempt, right or wrong, costs a token from the caller's and
   * the address's buckets before anything is looked up, so guessing is slow no matter what.
   * A peek (`pair claim --print`) is checked and counted the same way but leaves the code
   * issued, so a look is never a cheaper guess than a claim.
   */
  claimCode(kind: CodePurpose, caller: Caller | undefined, raw: unknown, ip: string, mode: 'claim' | 'peek' = 'claim') {
    this.limitIp(ip);
    if (caller) this.limit(this.limits.perCaller, `m:${caller.machine.id}`);
    const body = asObject(raw);
    const lookupHash = str(body, 'lookupHash', { max: 64, pattern: HEX64 });
    const proof = str(body, 'proof', { max: 64, pattern: B64URL });
    const joining = kind === 'link' ? machineFields(body) : undefined;
    const t = this.now();
    const wrongProof = this.store.tx(() => {
      const code = this.store.latestCode(kind, lookupHash);
      if (!code || claimRefusal(code, t) || verifierMatches(proof, code.verifier)) return false;
      this.store.failProof(code.id);
      if (code.failedProofs + 1 >= MAX_FAILED_PROOFS) this.store.revokeCode(code.id, t);
      return true;
    });
    // Committed before answering: a wrong proof must count even though the request fails.
    if (wrongProof) throw notFound(kind);
    const out = this.store.tx(() => {
      const code = this.store.latestCode(kind, lookupHash);
      if (!code) throw notFound(kind);
      const refusal = claimRefusal(code, t);
      if (refusal) throw new WireError(410, refusal.code, refusal.message, { hint: refusalHint(kind, refusal.code) });
      if (!verifierMatches(proof, code.verifier)) throw notFound(kind);
      if (mode === 'peek') return { id: code.id, payload: code.payload, peeked: true as const };
      if (kind === 'pair') {
        this.store.claimCode(code.id, caller!.machine.id, t);
        return { id: code.id, payload: code.payload, issuerMachineId: code.issuerMachineId };
      }
      const token = newToken();
      const existing = this.store.machine(joining!.id);
      if (existing && existing.account_id !== code.accountId) {
        throw new WireError(409, 'CONFLICT', 'this machine is registered with another account', {
          hint: 'run `happier server disconnect` on it first',
        });
      }
      if (existing) this.store.rotateMachine({ ...joining!, tokenHash: hashToken(token) }, t);
      else this.store.insertMachine({ ...joining!, accountId: code.accountId, tokenHash: hashToken(token) }, t);
      this.store.claimCode(code.id, joining!.id, t);
      this.hub.seen(joining!.id, code.accountId, t);
      return { accountId: code.accountId, machineId: joining!.id, token, payload: code.payload };
    });
    // The issuer's daemon learns its code was used (and by whom); the payload stays sealed.
    if (kind === 'pair' && 'issuerMachineId' in out && typeof out.issuerMachineId === 'string') {
      this.hub.pushTo(caller!.machine.account_id, out.issuerMachineId, { type: 'pairing', id: out.id, status: 'claimed', claimedBy: caller!.machine.id });
    }
    return out;
  }

  revokeCode(kind: CodePurpose, caller: Caller, raw: unknown) {
    const body = asObject(raw);
    const lookupHash = str(body, 'lookupHash', { max: 64, pattern: HEX64 });
    const t = this.now();
    return this.store.tx(() => {
      const code = this.store.latestCodeOfAccount(kind, caller.machine.account_id, lookupHash);
      if (!code) throw notFound(kind);
      const refusal = claimRefusal(code, t);
      if (refusal) throw new WireError(410, refusal.code, refusal.message, { hint: refusalHint(kind, refusal.code) });
      this.store.revokeCode(code.id, t);
      return { id: code.id, status: 'revoked' as const };
    });
  }

  listCodes(kind: CodePurpose, caller: Caller) {
    const t = this.now();
    return {
      codes: this.store.codesOf(kind, caller.machine.account_id, CODE_HISTORY).map((c) => ({
        id: c.id,
        status: effectiveStatus(c, t),
        issuerMachineId: c.issuerMachineId,
        note: c.note,
        createdAt: iso(c.createdAt),
        expiresAt: iso(c.expiresAt),
        claimedAt: c.claimedAt === null ? null : iso(c.claimedAt),
        claimedBy: c.claimedBy,
        revokedAt: c.revokedAt === null ? null : iso(c.revokedAt),
      })),
    };
  }

  /** Any authenticated request shows the machine is up, so a command counts as a heartbeat. */
  noteSeen(machine: MachineRow): void {
    const t = this.now();
    if (this.hub.seen(machine.id, machine.account_id, t)) this.store.touch(machine.id, t);
  }

  heartbeat(caller: Caller, raw: unknown) {
    const body = raw === undefined ? {} : asObject(raw);
    const name = str(body, 'name', { max: 63, pattern: NAME, optional: true });
    const sshTarget = str(body, 'sshTarget', { max: 200, pattern: SSH_TARGET, optional: true });
    const t = this.now();
    if (name || sshTarget) this.store.describe(caller.machine.id, name, sshTarget);
    if (this.hub.seen(caller.machine.id, caller.machine.account_id, t)) this.store.touch(caller.machine.id, t);
    return { at: iso(t) };
  }

  presence(accountId: string): { machines: PresenceEntry[] } {
    return {
      machines: this.store.machinesOf(accountId).map((m) => {
        const seen = this.hub.lastSeenAt(m.id, m.last_seen_at);
        return { machineId: m.id, name: m.name, sshTarget: m.ssh_target, online: this.hub.isOnline(seen), lastSeenAt: iso(seen) };
      }),
    };
  }

  publish(caller: Caller, raw: unknown) {
    const records = list(asObject(raw), 'records', PUBLISH_BATCH_MAX).map((r) => recordFields(asObject(r)));
    const accountId = caller.machine.account_id;
    const results = this.store.tx(() =>
      records.map((r) => {
        const current = this.store.record(accountId, r.sessionId);
        const owned = current ? { ownerMachineId: current.owner_machine_id, ownerEpoch: current.owner_epoch } : undefined;
        const decision = decidePublish(owned, caller.machine.id, r);
        if (decision.kind === 'insert') this.store.insertRecord(accountId, r);
        else if (decision.kind === 'update') this.store.updateRecord(accountId, r.sessionId, r.updatedAt, r.ciphertext);
        else return { sessionId: r.sessionId, status: 'stale' as const, ...decision.current };
        return { sessionId: r.sessionId, status: 'ok' as const, ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch };
      }),
    );
    return { results };
  }

  records(caller: Caller) {
    return { records: this.store.records(caller.machine.account_id).map(recordJson) };
  }

  record(caller: Caller, sessionId: string) {
    if (!ID_PATTERN.test(sessionId)) throw bad('the session id has an invalid format');
    const r = this.store.record(caller.machine.account_id, sessionId);
    if (!r) throw new WireError(404, 'NOT_FOUND', `the server has no record of session ${sessionId}`);
    return recordJson(r);
  }

  casOwner(caller: Caller, sessionId: string, raw: unknown) {
    if (!ID_PATTERN.test(sessionId)) throw bad('the session id has an invalid format');
    const body = asObject(raw);
    const expectedEpoch = int(body, 'expectedEpoch', { min: 0, max: Number.MAX_SAFE_INTEGER - 1 }) as number;
    const newOwner = str(body, 'newOwnerMachineId', { max: 64, pattern: ID_PATTERN });
    const ciphertext = str(body, 'ciphertext', { max: CIPHERTEXT_MAX, pattern: B64URL });
    const accountId = caller.machine.account_id;
    const t = this.now();
    const result = this.store.tx(() => {
      const current = this.store.record(accountId, sessionId);
      const target = this.store.machine(newOwner);
      const decision = decideCas(
        current && { ownerMachineId: current.owner_machine_id, ownerEpoch: current.owner_epoch },
        expectedEpoch,
        newOwner,
        target?.account_id === accountId,
      );
      switch (decision.kind) {
        case 'missing':
          throw new WireError(404, 'NOT_FOUND', `the server has no record of session ${sessionId}`, {
            hint: 'publish the session first (`happier server sync` on its owner)',
          });
        case 'unknown-machine':
          throw new WireError(404, 'MACHINE_UNKNOWN', `machine ${newOwner} is not part of this account`);
        case 'stale':
          throw new WireError(409, 'CONFLICT', `ownership moved: the epoch is ${decision.current.ownerEpoch}, not ${expectedEpoch}`, {
            hint: 'this machine holds a stale view of the session; sync and try again',
            currentOwnerMachineId: decision.current.ownerMachineId,
            currentEpoch: decision.current.ownerEpoch,
          });
        case 'swap': {
          const updatedAt = new Date(t).toISOString();
          this.store.swapOwner(accountId, sessionId, expectedEpoch, decision.next, updatedAt, ciphertext);
          return { sessionId, ...decision.next, updatedAt };
        }
      }
    });
    this.hub.push(accountId, { type: 'owner', ...result });
    return result;
  }

  /** A sender posts a sealed send for a machine of its account; posting the same send id again is idempotent. */
  relayPost(caller: Caller, raw: unknown) {
    const body = asObject(raw);
    const sendId = str(body, 'sendId', { max: 100, pattern: SEND_ID });
    const target = str(body, 'targetMachineId', { max: 64, pattern: ID_PATTERN });
    const payload = str(body, 'payload', { max: RELAY_BLOB_MAX, pattern: B64URL });
    const ttlSec = int(body, 'ttlSec', { min: 1, max: RELAY_TTL_MAX_SEC }) as number;
    const accountId = caller.machine.account_id;
    const t = this.now();
    const row = this.store.tx(() => {
      if (this.store.machine(target)?.account_id !== accountId) {
        throw new WireError(404, 'MACHINE_UNKNOWN', `machine ${target} is not part of this account`);
      }
      const current = this.store.relay(accountId, sendId);
      const decision = decidePost(current, caller.machine.id, target, t);
      if (decision.kind === 'conflict') throw new WireError(409, 'CONFLICT', decision.reason, { hint: 'use a fresh send id' });
      if (decision.kind === 'insert') this.store.insertRelay(accountId, { sendId, sender: caller.machine.id, target, payload, expiresAt: t + ttlSec * 1000 }, t);
      if (decision.kind === 'renew') this.store.renewRelay(accountId, sendId, payload, t + ttlSec * 1000);
      return this.store.relay(accountId, sendId)!;
    });
    if (Math.random() < 0.01) this.store.pruneRelays(t - RELAY_RETENTION_MS);
    if (relayStatus(row, t) === 'pending') this.hub.pushTo(accountId, target, { type: 'relay', sendId });
    return relayJson(row, t);
  }

  /** What the sender (or the target) sees of one send. */
  relayGet(caller: Caller, sendId: string) {
    const row = this.relayOf(caller, sendId, 'either');
    return relayJson(row, this.now());
  }

  /** The sends waiting for the calling machine. */
  relayInbox(caller: Caller) {
    const t = this.now();
    return {
      sends: this.store.relayInbox(caller.machine.account_id, caller.machine.id, t).map((r) => ({
        sendId: r.sendId,
        senderMachineId: r.senderMachineId,
        payload: r.payload,
        status: relayStatus(r, t),
      })),
    };
  }

  relayTake(caller: Caller, sendId: string) {
    const t = this.now();
    return this.store.tx(() => {
      const row = this.relayOf(caller, sendId, 'target');
      const decision = decideTake(row, t);
      if (decision.kind === 'refuse') throw relayGone(sendId, decision.status);
      this.store.takeRelay(caller.machine.account_id, sendId, t);
      return relayJson(this.store.relay(caller.machine.account_id, sendId)!, t);
    });
  }

  relayResult(caller: Caller, sendId: string, raw: unknown) {
    const result = str(asObject(raw), 'result', { max: RELAY_BLOB_MAX, pattern: B64URL });
    const t = this.now();
    const row = this.store.tx(() => {
      const current = this.relayOf(caller, sendId, 'target');
      if (current.takenAt === null) throw new WireError(409, 'CONFLICT', `send ${sendId} was not taken`, { hint: 'take it before answering it' });
      this.store.relayResult(caller.machine.account_id, sendId, result, t);
      return this.store.relay(caller.machine.account_id, sendId)!;
    });
    this.hub.pushTo(caller.machine.account_id, row.senderMachineId, { type: 'relay-result', sendId });
    return relayJson(row, t);
  }

  relayWithdraw(caller: Caller, sendId: string) {
    const t = this.now();
    return this.store.tx(() => {
      const row = this.relayOf(caller, sendId, 'sender');
      const decision = decideWithdraw(row, t);
      if (decision.kind === 'refuse') {
        throw new WireError(409, 'CONFLICT', `send ${sendId} is ${decision.status}; it can no longer be withdrawn`, { status: decision.status });
      }
      this.store.withdrawRelay(caller.machine.account_id, sendId, t);
      return relayJson(this.store.relay(caller.machine.account_id, sendId)!, t);
    });
  }

  private relayOf(caller: Caller, sendId: string, who: 'sender' | 'target' | 'either'): RelaySendRow {
    if (!SEND_ID.test(sendId)) throw bad('the send id has an invalid format');
    const row = this.store.relay(caller.machine.account_id, sendId);
    const me = caller.machine.id;
    const allowed =
      row && (who === 'sender' ? row.senderMachineId === me : who === 'target' ? row.targetMachineId === me : row.senderMachineId === me || row.targetMachineId === me);
    if (!row || !allowed) throw new WireError(404, 'NOT_FOUND', `the server has no relayed send ${sendId} for this machine`);
    return row;
  }

  disconnect(caller: Caller) {
    this.store.deleteMachine(caller.machine.id);
    this.hub.forget(caller.machine.id);
    this.hub.push(caller.machine.account_id, { type: 'presence', ...this.presence(caller.machine.account_id) });
    return { machineId: caller.machine.id };
  }

  private limitIp(ip: string): void {
    this.limit(this.limits.perIp, `ip:${ip}`);
  }

  private limit(limiter: RateLimiter, key: string): void {
    const r = limiter.take(key);
    if (!r.ok) {
      throw new WireError(429, 'RATE_LIMITED', `too many attempts; try again in ${r.retryAfterSec}s`, {
        hint: `wait ${r.retryAfterSec} seconds before trying again`,
        retryAfterSec: r.retryAfterSec,
      });
    }
  }
}

function machineFields(body: Body) {
  return {
    id: str(body, 'machineId', { max: 64, pattern: ID_PATTERN }),
    name: str(body, 'name', { max: 63, pattern: NAME }),
    sshTarget: str(body, 'sshTarget', { max: 200, pattern: SSH_TARGET, optional: true }) ?? null,
  };
}

function recordFields(body: Body) {
  return {
    sessionId: str(body, 'sessionId', { max: 64, pattern: ID_PATTERN }),
    ownerMachineId: str(body, 'ownerMachineId', { max: 64, pattern: ID_PATTERN }),
    ownerEpoch: int(body, 'ownerEpoch', { min: 0, max: Number.MAX_SAFE_INTEGER - 1 }) as number,
    updatedAt: isoTime(body, 'updatedAt'),
    ciphertext: str(body, 'ciphertext', { max: CIPHERTEXT_MAX, pattern: B64URL }),
  };
}

function relayJson(r: RelaySendRow, now: number) {
  return {
    sendId: r.sendId,
    senderMachineId: r.senderMachineId,
    targetMachineId: r.targetMachineId,
    status: relayStatus(r, now),
    result: r.result,
  };
}

function relayGone(sendId: string, status: string): WireError {
  return new WireError(410, 'SEND_TIMEOUT', `send ${sendId} is ${status}; it will not run`, { hint: 'the sender gave up on it', status });
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function notFound(kind: CodePurpose): WireError {
  return new WireError(404, 'NOT_FOUND', kind === 'pair' ? 'no such pairing code' : 'no such link code', {
    hint: 'check the code; it is single-use and short-lived',
  });
}

function refusalHint(kind: CodePurpose, code: string): string {
  const fresh = kind === 'pair' ? '`happier pair issue <id>` on the issuing device' : '`happier server link` on a joined machine';
  if (code === 'PAIRING_EXPIRED') return `it lived its few minutes; ${fresh} makes a new one`;
  if (code === 'PAIRING_REVOKED') return `the issuer cancelled it; ${fresh} makes a new one`;
  return `codes are single-use; ${fresh} makes another`;
}
