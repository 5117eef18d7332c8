import { HappierError } from '../../domain/errors.js';

// Codex mints UUIDv7 ids; any RFC 4122 shape is accepted so an older or newer minting
// scheme is not refused for the wrong reason.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isCodexSessionId(id: string): boolean {
  return UUID.test(id);
}

/** The id goes into an argv and a file name, so anything else is refused before it gets there. */
export function assertCodexSessionId(id: string): string {
  if (!isCodexSessionId(id)) {
    throw new HappierError('USAGE', `not a Codex session id: ${JSON.stringify(id)}`, {
      hint: 'a Codex session id is a UUID such as 0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    });
  }
  return id;
}
