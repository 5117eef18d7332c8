import { describe, expect, it } from 'vitest';
import { claimRefusal, effectiveStatus } from '../../../src/server/code-rules.js';

describe('the life of a code', () => {
  it('is issued until it expires', () => {
    expect(effectiveStatus({ status: 'issued', expiresAt: 1000 }, 999)).toBe('issued');
    expect(effectiveStatus({ status: 'issued', expiresAt: 1000 }, 1000)).toBe('expired');
    expect(claimRefusal({ status: 'issued', expiresAt: 1000 }, 999)).toBeNull();
  });

  it('names why a claim is refused', () => {
    expect(claimRefusal({ status: 'issued', expiresAt: 1000 }, 2000)?.code).toBe('PAIRING_EXPIRED');
    expect(claimRefusal({ status: 'revoked', expiresAt: 9000 }, 2000)?.code).toBe('PAIRING_REVOKED');
    expect(claimRefusal({ status: 'claimed', expiresAt: 9000 }, 2000)?.code).toBe('PAIRING_CLAIMED');
    // A claimed code stays claimed after its expiry, so a second claimer learns the truth.
    expect(claimRefusal({ status: 'claimed', expiresAt: 1000 }, 2000)?.code).toBe('PAIRING_CLAIMED');
  });
});
