import { randomBytes } from 'node:crypto';
import { HappierError } from '../../domain/errors.js';
import { bytesForGroups, codeFromBytes, parseCode, type ShortCode } from '../../domain/short-code.js';
import { deriveCodeKeys, proofVerifier, type CodeKeys, type CodePurpose } from '../code-keys.js';
import { open, seal } from '../e2e-envelope.js';
import type { ServerHttp } from './server-http.js';

/** Link codes carry an account key and get a longer secret than pairing codes. */
export const CODE_GROUPS: Record<CodePurpose, number> = { link: 4, pair: 3 };
const PATHS: Record<CodePurpose, string> = { link: '/v1/links', pair: '/v1/pairings' };
const LOOKUP_CLASH_RETRIES = 5;

export function payloadAssociatedData(purpose: CodePurpose, keys: CodeKeys): string {
  return `happier/${purpose}/payload/v1\0${keys.lookupHash}`;
}

export interface IssuedCode {
  readonly code: ShortCode;
  readonly id: string;
  readonly expiresAt: string;
  readonly ttlSec: number;
}

/**
 * Makes a fresh code, seals `payload` under a key derived from its secret part, and files
 * it with the server under the hash of its lookup part. The server gets neither the
 * secret nor the payload in clear.
 */
export async function issueCode(
  http: ServerHttp,
  purpose: CodePurpose,
  payload: Uint8Array | string,
  extra: { noteFor?: (lookup: string) => string; ttlSec?: number } = {},
): Promise<IssuedCode> {
  for (let attempt = 0; ; attempt++) {
    const code = codeFromBytes(randomBytes(bytesForGroups(CODE_GROUPS[purpose])), CODE_GROUPS[purpose]);
    const keys = await deriveCodeKeys(purpose, code);
    try {
      const r = await http.post<{ id: string; expiresAt: string; ttlSec: number }>(PATHS[purpose], {
        lookupHash: keys.lookupHash,
        verifier: proofVerifier(keys.proof),
        payload: seal(keys.payloadKey, payload, payloadAssociatedData(purpose, keys)),
        ...(extra.noteFor ? { note: extra.noteFor(code.lookup) } : {}),
        ...(extra.ttlSec ? { ttlSec: extra.ttlSec } : {}),
      });
      return { code, ...r };
    } catch (err) {
      const clash = err instanceof HappierError && err.code === 'CONFLICT' && err.details.retry === true;
      if (!clash || attempt >= LOOKUP_CLASH_RETRIES) throw err;
    }
  }
}

/**
 * Proves knowledge of a code to the server and opens the payload it hands back. A peek
 * proves the same but leaves the code unused, for modes that only print.
 */
export async function claimCode<T extends { payload: string }>(
  http: ServerHttp,
  purpose: CodePurpose,
  typed: string,
  extra: Record<string, unknown> = {},
  mode: 'claim' | 'peek' = 'claim',
): Promise<{ response: T; payload: Buffer; code: ShortCode }> {
  const code = parseCode(typed, CODE_GROUPS[purpose]);
  const keys = await deriveCodeKeys(purpose, code);
  const path = `${PATHS[purpose]}/${mode}`;
  const response = await http.post<T>(path, { lookupHash: keys.lookupHash, proof: keys.proof, ...extra }).catch((err: unknown) => {
    throw mode === 'peek' ? peekUnsupported(err, http.baseUrl, path) : err;
  });
  return { response, payload: open(keys.payloadKey, response.payload, payloadAssociatedData(purpose, keys)), code };
}

/** A server from before peeks answers "no route"; falling back to a claim would use the code up. */
function peekUnsupported(err: unknown, url: string, path: string): unknown {
  if (!(err instanceof HappierError) || err.code !== 'NOT_FOUND' || err.message !== `no route ${path}`) return err;
  return new HappierError('PEER_INCOMPATIBLE', `the sync server at ${url} cannot show a code without using it up`, {
    hint: 'update happier where the server runs, or claim the code for real: `happier pair claim <code>`',
    details: { reason: 'no-peek' },
  });
}
