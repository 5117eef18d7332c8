import type { ErrorCode } from '../domain/errors.js';

/** The life of a link or pairing code: issued, then exactly one of claimed, revoked or expired. */
export type CodeStatus = 'issued' | 'claimed' | 'revoked' | 'expired';

export interface CodeState {
  readonly status: 'issued' | 'claimed' | 'revoked';
  readonly expiresAt: number;
}

export function effectiveStatus(code: CodeState, now: number): CodeStatus {
  if (code.status === 'issued' && now >= code.expiresAt) return 'expired';
  return code.status;
}

/** Why a claim on this code cannot go ahead, or null when it can. */
export function claimRefusal(code: CodeState, now: number): { code: ErrorCode; message: string } | null {
  switch (effectiveStatus(code, now)) {
    case 'issued':
      return null;
    case 'expired':
      return { code: 'PAIRING_EXPIRED', message: 'this code has expired' };
    case 'revoked':
      return { code: 'PAIRING_REVOKED', message: 'this code was revoked' };
    case 'claimed':
      return { code: 'PAIRING_CLAIMED', message: 'this code was already used' };
  }
}

/** Wrong proofs a code tolerates before it is burned, so a guessed lookup group cannot be tried forever. */
export const MAX_FAILED_PROOFS = 5;

export const PAIR_TTL_DEFAULT_SEC = 120;
export const PAIR_TTL_MAX_SEC = 3600;
export const LINK_TTL_SEC = 600;
