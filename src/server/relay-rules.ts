/**
 * The life of a relayed send on the server, as pure rules. A sender posts a sealed
 * request for a target machine under a send id it chose; the target takes it, runs it and
 * posts a sealed result. Everything is keyed by the send id, so a sender that was cut off
 * and posts again, or a target that restarts mid-send, lands on the same row.
 */
export interface RelayRow {
  readonly senderMachineId: string;
  readonly targetMachineId: string;
  readonly expiresAt: number;
  readonly takenAt: number | null;
  readonly withdrawnAt: number | null;
  readonly resultAt: number | null;
}

/**
 * - `pending`: waiting for the target to take it;
 * - `taken`: the target is running it (a restarted target may take it again, its send path dedupes);
 * - `done`: the result is there;
 * - `withdrawn`: the sender gave up before the target took it; it will never run;
 * - `expired`: nobody took it in time; it will never run unless the sender posts it again.
 */
export type RelayStatus = 'pending' | 'taken' | 'done' | 'withdrawn' | 'expired';

export function relayStatus(r: RelayRow, now: number): RelayStatus {
  if (r.resultAt !== null) return 'done';
  if (r.takenAt !== null) return 'taken';
  if (r.withdrawnAt !== null) return 'withdrawn';
  return now >= r.expiresAt ? 'expired' : 'pending';
}

export type PostDecision =
  | { readonly kind: 'insert' }
  /** The same send posted again before anyone took it: it waits anew. */
  | { readonly kind: 'renew' }
  /** Taken or done: the post changes nothing, and the sender reads where it stands. */
  | { readonly kind: 'keep' }
  | { readonly kind: 'conflict'; readonly reason: string };

export function decidePost(current: RelayRow | undefined, sender: string, target: string, now: number): PostDecision {
  if (!current) return { kind: 'insert' };
  if (current.senderMachineId !== sender || current.targetMachineId !== target) {
    return { kind: 'conflict', reason: 'this send id is already used by another send' };
  }
  const status = relayStatus(current, now);
  return status === 'taken' || status === 'done' ? { kind: 'keep' } : { kind: 'renew' };
}

/**
 * A post that found the send taken or answered joined an earlier attempt that delivered
 * it: this attempt sent nothing, so it reports a duplicate, as the owner does for a send
 * id repeated over ssh.
 */
export function deliveredBefore(statusAtPost: RelayStatus): boolean {
  return statusAtPost === 'taken' || statusAtPost === 'done';
}

export type TakeDecision = { readonly kind: 'take' } | { readonly kind: 'refuse'; readonly status: RelayStatus };

/** Only the target takes a send, and only one that can still run. */
export function decideTake(current: RelayRow, now: number): TakeDecision {
  const status = relayStatus(current, now);
  return status === 'pending' || status === 'taken' ? { kind: 'take' } : { kind: 'refuse', status };
}

export type WithdrawDecision = { readonly kind: 'withdraw' } | { readonly kind: 'refuse'; readonly status: RelayStatus };

/** A sender may call a send back only while the target has not started on it. */
export function decideWithdraw(current: RelayRow, now: number): WithdrawDecision {
  const status = relayStatus(current, now);
  return status === 'pending' || status === 'expired' ? { kind: 'withdraw' } : { kind: 'refuse', status };
}
