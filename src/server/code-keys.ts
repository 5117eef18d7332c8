import { createHash, hkdfSync, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ShortCode } from '../domain/short-code.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: string, len: number, opts: object) => Promise<Buffer>;

/** Link codes carry the account key and live longer, so they pay for a slower derivation. */
export type CodePurpose = 'link' | 'pair';

const COST: Record<CodePurpose, number> = { link: 1 << 14, pair: 1 << 13 };

export interface CodeKeys {
  /** What the server files the record under: a hash of the lookup group only. */
  readonly lookupHash: string;
  /** Encrypts the payload; derived from the secret groups, so the server never has it. */
  readonly payloadKey: Buffer;
  /** Sent on claim to prove the code was known; the server keeps only its hash. */
  readonly proof: string;
}

export function lookupHash(purpose: CodePurpose, lookup: string): string {
  return createHash('sha256').update(`happier/${purpose}/lookup\0${lookup}`).digest('hex');
}

/** Hash the server stores for a proof; it compares proofs against it without learning them. */
export function proofVerifier(proof: string): string {
  return createHash('sha256').update(`happier/proof\0${proof}`).digest('hex');
}

export function verifierMatches(proof: string, verifier: string): boolean {
  const a = Buffer.from(proofVerifier(proof), 'hex');
  const b = Buffer.from(verifier, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * scrypt stretches the short secret (40 bits for pairing, 60 for links), so someone
 * holding the server's database cannot try every secret within a code's lifetime;
 * HKDF then splits the result into independent keys.
 */
export async function deriveCodeKeys(purpose: CodePurpose, code: ShortCode): Promise<CodeKeys> {
  const lh = lookupHash(purpose, code.lookup);
  const master = await scrypt(code.secret, `happier/${purpose}/${lh}`, 32, { N: COST[purpose], r: 8, p: 1, maxmem: 64 << 20 });
  const expand = (label: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `happier/${purpose}/${label}`, 32));
  return { lookupHash: lh, payloadKey: expand('payload'), proof: expand('proof').toString('base64url') };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(`happier/token\0${token}`).digest('hex');
}
