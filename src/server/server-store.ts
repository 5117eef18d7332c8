import type { Statement } from 'better-sqlite3';
import type { CodePurpose } from './code-keys.js';
import type { CodeState } from './code-rules.js';
import type { OwnedRecord } from './ownership-rules.js';
import type { RelayRow } from './relay-rules.js';
import type { ServerDb } from './server-db.js';

export interface MachineRow {
  id: string;
  account_id: string;
  name: string;
  ssh_target: string | null;
  created_at: number;
  last_seen_at: number;
}

export interface SessionRecordRow {
  session_id: string;
  owner_machine_id: string;
  owner_epoch: number;
  updated_at: string;
  ciphertext: string;
}

export interface CodeRow extends CodeState {
  id: string;
  kind: CodePurpose;
  accountId: string;
  issuerMachineId: string;
  verifier: string;
  payload: string;
  note: string | null;
  failedProofs: number;
  createdAt: number;
  claimedAt: number | null;
  claimedBy: string | null;
  revokedAt: number | null;
}

export interface RelaySendRow extends RelayRow {
  readonly sendId: string;
  readonly payload: string;
  readonly result: string | null;
}

interface RawRelay {
  send_id: string;
  sender_machine_id: string;
  target_machine_id: string;
  payload: string;
  expires_at: number;
  taken_at: number | null;
  withdrawn_at: number | null;
  result: string | null;
  result_at: number | null;
}

function relayFromRow(r: RawRelay): RelaySendRow {
  return {
    sendId: r.send_id,
    senderMachineId: r.sender_machine_id,
    targetMachineId: r.target_machine_id,
    payload: r.payload,
    expiresAt: r.expires_at,
    takenAt: r.taken_at,
    withdrawnAt: r.withdrawn_at,
    result: r.result,
    resultAt: r.result_at,
  };
}

interface RawCode {
  id: string;
  kind: CodePurpose;
  account_id: string;
  issuer_machine_id: string;
  verifier: string;
  payload: string;
  note: string | null;
  status: CodeRow['status'];
  failed_proofs: number;
  created_at: number;
  expires_at: number;
  claimed_at: number | null;
  claimed_by: string | null;
  revoked_at: number | null;
}

function codeFromRow(r: RawCode): CodeRow {
  return {
    id: r.id,
    kind: r.kind,
    accountId: r.account_id,
    issuerMachineId: r.issuer_machine_id,
    verifier: r.verifier,
    payload: r.payload,
    note: r.note,
    status: r.status,
    failedProofs: r.failed_proofs,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    claimedAt: r.claimed_at,
    claimedBy: r.claimed_by,
    revokedAt: r.revoked_at,
  };
}

/** Every query the server runs, prepared once. Callers wrap multi-step changes in `tx`. */
export class ServerStore {
  private readonly q: Record<string, Statement>;

  constructor(readonly db: ServerDb) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      insertAccount: p('INSERT INTO accounts (id, created_at) VALUES (?, ?)'),
      insertMachine: p(
        `INSERT INTO machines (id, account_id, name, ssh_target, token_hash, created_at, last_seen_at)
         VALUES (@id, @account_id, @name, @ssh_target, @token_hash, @now, @now)`,
      ),
      rotateMachine: p('UPDATE machines SET name = @name, ssh_target = @ssh_target, token_hash = @token_hash, last_seen_at = @now WHERE id = @id'),
      machineById: p('SELECT id, account_id, name, ssh_target, created_at, last_seen_at FROM machines WHERE id = ?'),
      machineByToken: p('SELECT id, account_id, name, ssh_target, created_at, last_seen_at FROM machines WHERE token_hash = ?'),
      machinesOfAccount: p('SELECT id, account_id, name, ssh_target, created_at, last_seen_at FROM machines WHERE account_id = ? ORDER BY name'),
      touchMachine: p('UPDATE machines SET last_seen_at = ? WHERE id = ?'),
      describeMachine: p('UPDATE machines SET name = COALESCE(?, name), ssh_target = COALESCE(?, ssh_target) WHERE id = ?'),
      deleteMachine: p('DELETE FROM machines WHERE id = ?'),
      recordGet: p('SELECT session_id, owner_machine_id, owner_epoch, updated_at, ciphertext FROM session_records WHERE account_id = ? AND session_id = ?'),
      recordList: p('SELECT session_id, owner_machine_id, owner_epoch, updated_at, ciphertext FROM session_records WHERE account_id = ? ORDER BY updated_at DESC'),
      recordInsert: p(
        `INSERT INTO session_records (account_id, session_id, owner_machine_id, owner_epoch, updated_at, ciphertext)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      recordUpdate: p('UPDATE session_records SET updated_at = ?, ciphertext = ? WHERE account_id = ? AND session_id = ?'),
      recordSwap: p(
        `UPDATE session_records SET owner_machine_id = ?, owner_epoch = ?, updated_at = ?, ciphertext = ?
         WHERE account_id = ? AND session_id = ? AND owner_epoch = ?`,
      ),
      codeInsert: p(
        `INSERT INTO codes (id, kind, account_id, issuer_machine_id, lookup_hash, verifier, payload, note, status, created_at, expires_at)
         VALUES (@id, @kind, @account_id, @issuer, @lookup_hash, @verifier, @payload, @note, 'issued', @now, @expires_at)`,
      ),
      codeLatest: p('SELECT * FROM codes WHERE kind = ? AND lookup_hash = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
      codeOpenCount: p(`SELECT COUNT(*) AS n FROM codes WHERE kind = ? AND lookup_hash = ? AND status = 'issued' AND expires_at > ?`),
      codeLatestOfAccount: p('SELECT * FROM codes WHERE kind = ? AND account_id = ? AND lookup_hash = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
      codeClaim: p(`UPDATE codes SET status = 'claimed', claimed_at = ?, claimed_by = ? WHERE id = ? AND status = 'issued'`),
      codeRevoke: p(`UPDATE codes SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'issued'`),
      codeFail: p('UPDATE codes SET failed_proofs = failed_proofs + 1 WHERE id = ?'),
      codesOfAccount: p('SELECT * FROM codes WHERE kind = ? AND account_id = ? ORDER BY created_at DESC LIMIT ?'),
      // Claimed, revoked and long-expired codes only matter for `pair list`; keep a bounded history.
      codePrune: p(`DELETE FROM codes WHERE expires_at < ?`),
      relayGet: p('SELECT * FROM relay_sends WHERE account_id = ? AND send_id = ?'),
      relayInsert: p(
        `INSERT INTO relay_sends (account_id, send_id, sender_machine_id, target_machine_id, payload, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      relayRenew: p('UPDATE relay_sends SET payload = ?, expires_at = ?, withdrawn_at = NULL WHERE account_id = ? AND send_id = ?'),
      // Taken but unanswered sends come back too: a target that restarted mid-send runs them again, and its send path dedupes.
      relayInbox: p(
        `SELECT * FROM relay_sends WHERE account_id = ? AND target_machine_id = ? AND result_at IS NULL AND withdrawn_at IS NULL
         AND (taken_at IS NOT NULL OR expires_at > ?) ORDER BY created_at LIMIT 50`,
      ),
      relayTake: p('UPDATE relay_sends SET taken_at = COALESCE(taken_at, ?) WHERE account_id = ? AND send_id = ?'),
      relayResult: p('UPDATE relay_sends SET result = ?, result_at = ? WHERE account_id = ? AND send_id = ? AND result_at IS NULL'),
      relayWithdraw: p('UPDATE relay_sends SET withdrawn_at = ? WHERE account_id = ? AND send_id = ? AND taken_at IS NULL'),
      relayPrune: p('DELETE FROM relay_sends WHERE created_at < ?'),
    };
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  createAccount(id: string, now: number): void {
    this.q.insertAccount!.run(id, now);
  }

  insertMachine(m: { id: string; accountId: string; name: string; sshTarget: string | null; tokenHash: string }, now: number): void {
    this.q.insertMachine!.run({ id: m.id, account_id: m.accountId, name: m.name, ssh_target: m.sshTarget, token_hash: m.tokenHash, now });
  }

  rotateMachine(m: { id: string; name: string; sshTarget: string | null; tokenHash: string }, now: number): void {
    this.q.rotateMachine!.run({ id: m.id, name: m.name, ssh_target: m.sshTarget, token_hash: m.tokenHash, now });
  }

  machine(id: string): MachineRow | undefined {
    return this.q.machineById!.get(id) as MachineRow | undefined;
  }

  machineByToken(tokenHash: string): MachineRow | undefined {
    return this.q.machineByToken!.get(tokenHash) as MachineRow | undefined;
  }

  machinesOf(accountId: string): MachineRow[] {
    return this.q.machinesOfAccount!.all(accountId) as MachineRow[];
  }

  touch(machineId: string, now: number): void {
    this.q.touchMachine!.run(now, machineId);
  }

  describe(machineId: string, name: string | undefined, sshTarget: string | undefined): void {
    this.q.describeMachine!.run(name ?? null, sshTarget ?? null, machineId);
  }

  deleteMachine(id: string): void {
    this.q.deleteMachine!.run(id);
  }

  record(accountId: string, sessionId: string): SessionRecordRow | undefined {
    return this.q.recordGet!.get(accountId, sessionId) as SessionRecordRow | undefined;
  }

  records(accountId: string): SessionRecordRow[] {
    return this.q.recordList!.all(accountId) as SessionRecordRow[];
  }

  insertRecord(accountId: string, r: OwnedRecord & { sessionId: string; updatedAt: string; ciphertext: string }): void {
    this.q.recordInsert!.run(accountId, r.sessionId, r.ownerMachineId, r.ownerEpoch, r.updatedAt, r.ciphertext);
  }

  updateRecord(accountId: string, sessionId: string, updatedAt: string, ciphertext: string): void {
    this.q.recordUpdate!.run(updatedAt, ciphertext, accountId, sessionId);
  }

  /** The compare-and-swap itself: the WHERE on the epoch makes it safe even outside a transaction. */
  swapOwner(accountId: string, sessionId: string, expectedEpoch: number, next: OwnedRecord, updatedAt: string, ciphertext: string): boolean {
    return this.q.recordSwap!.run(next.ownerMachineId, next.ownerEpoch, updatedAt, ciphertext, accountId, sessionId, expectedEpoch).changes === 1;
  }

  insertCode(c: { id: string; kind: CodePurpose; accountId: string; issuer: string; lookupHash: string; verifier: string; payload: string; note: string | null; expiresAt: number }, now: number): void {
    this.q.codeInsert!.run({
      id: c.id,
      kind: c.kind,
      account_id: c.accountId,
      issuer: c.issuer,
      lookup_hash: c.lookupHash,
      verifier: c.verifier,
      payload: c.payload,
      note: c.note,
      now,
      expires_at: c.expiresAt,
    });
  }

  latestCode(kind: CodePurpose, lookupHash: string): CodeRow | undefined {
    const r = this.q.codeLatest!.get(kind, lookupHash) as RawCode | undefined;
    return r ? codeFromRow(r) : undefined;
  }

  latestCodeOfAccount(kind: CodePurpose, accountId: string, lookupHash: string): CodeRow | undefined {
    const r = this.q.codeLatestOfAccount!.get(kind, accountId, lookupHash) as RawCode | undefined;
    return r ? codeFromRow(r) : undefined;
  }

  openCodes(kind: CodePurpose, lookupHash: string, now: number): number {
    return (this.q.codeOpenCount!.get(kind, lookupHash, now) as { n: number }).n;
  }

  claimCode(id: string, by: string, now: number): boolean {
    return this.q.codeClaim!.run(now, by, id).changes === 1;
  }

  revokeCode(id: string, now: number): boolean {
    return this.q.codeRevoke!.run(now, id).changes === 1;
  }

  failProof(id: string): void {
    this.q.codeFail!.run(id);
  }

  codesOf(kind: CodePurpose, accountId: string, limit: number): CodeRow[] {
    return (this.q.codesOfAccount!.all(kind, accountId, limit) as RawCode[]).map(codeFromRow);
  }

  pruneCodes(olderThan: number): number {
    return this.q.codePrune!.run(olderThan).changes;
  }

  relay(accountId: string, sendId: string): RelaySendRow | undefined {
    const r = this.q.relayGet!.get(accountId, sendId) as RawRelay | undefined;
    return r ? relayFromRow(r) : undefined;
  }

  insertRelay(accountId: string, r: { sendId: string; sender: string; target: string; payload: string; expiresAt: number }, now: number): void {
    this.q.relayInsert!.run(accountId, r.sendId, r.sender, r.target, r.payload, now, r.expiresAt);
  }

  renewRelay(accountId: string, sendId: string, payload: string, expiresAt: number): void {
    this.q.relayRenew!.run(payload, expiresAt, accountId, sendId);
  }

  relayInbox(accountId: string, targetMachineId: string, now: number): RelaySendRow[] {
    return (this.q.relayInbox!.all(accountId, targetMachineId, now) as RawRelay[]).map(relayFromRow);
  }

  takeRelay(accountId: string, sendId: string, now: number): void {
    this.q.relayTake!.run(now, accountId, sendId);
  }

  /** The first result wins; a second post of a result for the same send changes nothing. */
  relayResult(accountId: string, sendId: string, result: string, now: number): boolean {
    return this.q.relayResult!.run(result, now, accountId, sendId).changes === 1;
  }

  withdrawRelay(accountId: string, sendId: string, now: number): boolean {
    return this.q.relayWithdraw!.run(now, accountId, sendId).changes === 1;
  }

  pruneRelays(olderThan: number): number {
    return this.q.relayPrune!.run(olderThan).changes;
  }
}
