import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HappierError } from '../domain/errors.js';

/**
 * Authenticated encryption for everything that leaves a device through the sync server:
 * ChaCha20-Poly1305 with a fresh random nonce per message. The associated data binds a
 * ciphertext to where it belongs (session id, owner, epoch), so the server cannot move a
 * blob to another record or replay an old one under a new owner without it failing to open.
 *
 * Wire form (base64url): version byte | 12-byte nonce | ciphertext | 16-byte tag.
 */
const VERSION = 1;
const NONCE = 12;
const TAG = 16;
export const KEY_BYTES = 32;

export function seal(key: Uint8Array, plaintext: Uint8Array | string, associated: string): string {
  checkKey(key);
  const nonce = randomBytes(NONCE);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  cipher.setAAD(Buffer.from(associated, 'utf8'), { plaintextLength: data.length });
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a sealed blob, or fails with PROTOCOL when the key, the binding or a byte is wrong. */
export function open(key: Uint8Array, sealed: string, associated: string): Buffer {
  checkKey(key);
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 1 + NONCE + TAG || raw[0] !== VERSION) throw unreadable();
  const nonce = raw.subarray(1, 1 + NONCE);
  const tag = raw.subarray(raw.length - TAG);
  const body = raw.subarray(1 + NONCE, raw.length - TAG);
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
    decipher.setAAD(Buffer.from(associated, 'utf8'), { plaintextLength: body.length });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw unreadable();
  }
}

export function sealJson(key: Uint8Array, value: unknown, associated: string): string {
  return seal(key, JSON.stringify(value), associated);
}

export function openJson<T>(key: Uint8Array, sealed: string, associated: string): T {
  try {
    return JSON.parse(open(key, sealed, associated).toString('utf8')) as T;
  } catch (err) {
    if (err instanceof HappierError) throw err;
    throw unreadable();
  }
}

/** What a session record's ciphertext is bound to. */
export function sessionAssociatedData(sessionId: string, ownerMachineId: string, ownerEpoch: number): string {
  return `happier/session/v1\0${sessionId}\0${ownerMachineId}\0${ownerEpoch}`;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new Error(`an envelope key has ${KEY_BYTES} bytes, not ${key.length}`);
}

function unreadable(): HappierError {
  return new HappierError('PROTOCOL', 'an encrypted record could not be opened (wrong key, or it was altered)', {
    hint: 'the record was not written by a machine of this account, or was changed on the way',
  });
}
