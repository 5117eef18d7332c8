import { HappierError } from '../../domain/errors.js';
import { headerJson, type SyncMessage, type SyncMessageType } from './protocol.js';

const TYPES: ReadonlySet<SyncMessageType> = new Set([
  'hello', 'entries', 'rules', 'entries-end', 'data', 'files', 'gone', 'need', 'need-whole', 'done', 'abort',
]);

/**
 * One message as one buffer: u32 BE header length, the header JSON, then the raw `data`
 * bytes. A transport that frames streams itself can carry this buffer as the frame body.
 */
export function encodeSyncMessage(msg: SyncMessage): Buffer {
  const header = Buffer.from(headerJson(msg), 'utf8');
  const data = 'data' in msg && msg.data ? msg.data : undefined;
  const out = Buffer.allocUnsafe(4 + header.length + (data?.length ?? 0));
  out.writeUInt32BE(header.length, 0);
  header.copy(out, 4);
  if (data) data.copy(out, 4 + header.length);
  return out;
}

/** The inverse of encodeSyncMessage. Field-level checks are the receiver's and sender's job. */
export function decodeSyncMessage(buf: Buffer, maxBytes: number): SyncMessage {
  if (buf.length > maxBytes) throw protocolError(`message of ${buf.length} bytes is over the ${maxBytes}-byte limit`);
  if (buf.length < 4) throw protocolError('truncated message');
  const headerLen = buf.readUInt32BE(0);
  if (4 + headerLen > buf.length) throw protocolError('truncated message header');
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8'));
  } catch {
    throw protocolError('message header is not JSON');
  }
  if (typeof header !== 'object' || header === null || !TYPES.has((header as { t: SyncMessageType }).t)) {
    throw protocolError('unknown message type');
  }
  const rest = buf.subarray(4 + headerLen);
  const withData = rest.length > 0 || ['data', 'files'].includes((header as { t: string }).t) ? { ...header, data: rest } : header;
  return withData as SyncMessage;
}

function protocolError(message: string): HappierError {
  return new HappierError('PROTOCOL', `tree sync: ${message}`, { hint: 'Check that both machines run the same happier version.' });
}
