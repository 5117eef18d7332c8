import { ERROR_CODES, type ErrorCode, HappierError } from '../../domain/errors.js';

export function unsafePath(path: string, reason: string): HappierError {
  return new HappierError('UNSAFE_PATH', `refused path from the peer: ${JSON.stringify(path)} (${reason})`, {
    hint: 'The sending side is broken or hostile; nothing outside the destination was written.',
    details: { path, reason },
  });
}

export function protocolError(message: string): HappierError {
  return new HappierError('PROTOCOL', `tree sync: ${message}`, { hint: 'Check that both machines run the same happier version.' });
}

export function limitError(message: string): HappierError {
  return new HappierError('TRANSFER_FAILED', `tree sync: ${message}`, { hint: 'The tree is larger than the receiver allows; raise the limit or sync less.' });
}

export function connectionLost(side: string): HappierError {
  return new HappierError('TRANSFER_FAILED', `tree sync: the ${side} closed the connection before the sync finished`, {
    hint: 'Run the sync again; the destination holds only complete files.',
  });
}

/** The error a peer's abort message stands for. */
export function fromAbort(code: string, message: string): HappierError {
  const known = (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'TRANSFER_FAILED';
  return new HappierError(known, `peer stopped the sync: ${message}`, {
    hint: 'See the message; nothing partial was left in place.',
    details: { fromPeer: true },
  });
}

/** True for errors that came from the peer's abort, which need no abort sent back. */
export function isFromPeer(err: unknown): boolean {
  return err instanceof HappierError && err.details.fromPeer === true;
}

/** The abort message for an error, keeping a HappierError's code. */
export function toAbort(err: unknown): { t: 'abort'; code: string; message: string } {
  if (err instanceof HappierError) return { t: 'abort', code: err.code, message: err.message };
  return { t: 'abort', code: 'TRANSFER_FAILED', message: err instanceof Error ? err.message : String(err) };
}
