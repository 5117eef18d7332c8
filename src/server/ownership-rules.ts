/**
 * The fencing rules for session ownership on the server, free of storage. The epoch only
 * ever grows, and only a compare-and-swap that names the current epoch moves it, so two
 * machines can never both believe they own a session after the server answered them.
 */
export interface OwnedRecord {
  readonly ownerMachineId: string;
  readonly ownerEpoch: number;
}

export type CasDecision =
  | { readonly kind: 'swap'; readonly next: OwnedRecord }
  | { readonly kind: 'missing' }
  | { readonly kind: 'stale'; readonly current: OwnedRecord }
  | { readonly kind: 'unknown-machine' };

export function decideCas(
  current: OwnedRecord | undefined,
  expectedEpoch: number,
  newOwnerMachineId: string,
  newOwnerInAccount: boolean,
): CasDecision {
  if (!current) return { kind: 'missing' };
  if (current.ownerEpoch !== expectedEpoch) return { kind: 'stale', current };
  if (!newOwnerInAccount) return { kind: 'unknown-machine' };
  return { kind: 'swap', next: { ownerMachineId: newOwnerMachineId, ownerEpoch: expectedEpoch + 1 } };
}

export type PublishDecision =
  | { readonly kind: 'insert' }
  | { readonly kind: 'update' }
  | { readonly kind: 'stale'; readonly current: OwnedRecord };

/**
 * A machine may create a record it owns, and refresh the content of a record it still
 * owns at the current epoch. A publisher whose owner or epoch differs from the server's
 * has lost the session (or never had it) and is told who holds it now.
 */
export function decidePublish(current: OwnedRecord | undefined, publisherMachineId: string, claimed: OwnedRecord): PublishDecision {
  if (!current) {
    return claimed.ownerMachineId === publisherMachineId ? { kind: 'insert' } : { kind: 'stale', current: claimed };
  }
  if (current.ownerMachineId === publisherMachineId && claimed.ownerMachineId === publisherMachineId && current.ownerEpoch === claimed.ownerEpoch) {
    return { kind: 'update' };
  }
  return { kind: 'stale', current };
}

/** What a machine holding (owner, epoch) locally should conclude from the server's record. */
export type OwnershipVerdict = 'still-owner' | 'lost' | 'unknown';

export function ownershipVerdict(selfMachineId: string, localEpoch: number, server: OwnedRecord | undefined): OwnershipVerdict {
  if (!server) return 'unknown';
  if (server.ownerMachineId === selfMachineId && server.ownerEpoch === localEpoch) return 'still-owner';
  if (server.ownerEpoch >= localEpoch) return 'lost';
  // The server is behind this machine (it took the session while the server had an older copy).
  return 'unknown';
}
