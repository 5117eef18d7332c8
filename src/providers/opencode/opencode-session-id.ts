import { HappierError } from '../../domain/errors.js';

// OpenCode ids are `ses_` + 26 base62 characters (a time part and a random part); the range
// leaves room for a change of length without letting anything but id characters through.
const SESSION_ID = /^ses_[A-Za-z0-9]{10,40}$/;

export function isOpencodeSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/** The id goes into an argv and SQL parameters, so anything else is refused before it gets there. */
export function assertOpencodeSessionId(id: string): string {
  if (!isOpencodeSessionId(id)) {
    throw new HappierError('USAGE', `not an OpenCode session id: ${JSON.stringify(id)}`, {
      hint: 'an OpenCode session id looks like ses_4f2a9c1e0ffeQ7xYzAbCdEfGhI',
    });
  }
  return id;
}
