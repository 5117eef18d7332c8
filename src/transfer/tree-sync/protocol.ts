/**
 * Tree sync protocol: the messages a sender and a receiver exchange, whatever carries them
 * (the in-process channel in tests, the framed streams of `happier agent --stdio` over SSH).
 *
 * Every message is a plain object `{ t: <type>, ...json fields }` with at most one binary
 * field, `data` (a Buffer). A transport frames it as a JSON header plus the raw `data`
 * bytes; `encodeSyncMessage`/`decodeSyncMessage` in sync-message-codec.ts do exactly that.
 *
 * Sender (source tree) → receiver (destination):
 *   hello        { v, syncId }                     first message; v must equal PROTOCOL_VERSION
 *   entries      { data }                          deflateRaw(JSON rows [path, type, size, mtimeMs, mode, target?]);
 *                                                  parents always come before their children; sent while
 *                                                  the sender is still walking
 *   rules        { data }                          deflateRaw(JSON IgnoreSpec), once, after the entries: lets
 *                                                  the receiver tell which destination-only paths are outside
 *                                                  the synced scope (it deletes only inside it)
 *   entries-end  { count, rootMode, rootMtimeMs, skipped: [{path, kind}] }
 *   data         { id, data, end?, hash? }         op stream for entry `id` (its index in the list);
 *                                                  `end` closes the file; `hash` (xxh128 hex of the whole
 *                                                  source file) comes with the end of a delta transfer
 *   files        { ids, lens, data }               several whole small files at once: `data` is their
 *                                                  op streams back to back, `lens[i]` bytes for `ids[i]`
 *   gone         { id, reason }                    the source file vanished or could not be read; the
 *                                                  receiver keeps what it had
 * Receiver → sender:
 *   need         { id, blockSize, basisSize, data? }  send entry `id`; `data` holds block signatures
 *                                                  (per block: weak u32 LE + 8-byte xxh3) when the
 *                                                  receiver has an old copy, absent for a whole file
 *   need-whole   { ids }                           send these entries whole (no old copies); batching
 *                                                  them keeps many small files from costing a message each
 *   done         { stats }                         everything is in place; the sender may close
 * Either way:
 *   abort        { code, message }                 the peer gave up; the other side stops and cleans up
 *
 * Op streams (the `data` of a `data` message) are a sequence of:
 *   0x01 varint(len) bytes                         literal
 *   0x02 varint(rawLen) varint(zLen) bytes         deflateRaw-compressed literal
 *   0x03 varint(blockIndex) varint(blockCount)     copy blocks from the receiver's old copy
 *
 * Flow control is the channel's: `send` resolves once the transport has room. Neither side
 * ever waits on `send` from the loop that reads the channel, so two full pipes cannot
 * deadlock each other.
 */

export const PROTOCOL_VERSION = 1;

export type EntryType = 'file' | 'dir' | 'symlink';

/** One entry of the source file list. Paths are relative, `/`-separated. */
export interface FileEntry {
  readonly path: string;
  readonly type: EntryType;
  /** Bytes for files, 0 otherwise. */
  readonly size: number;
  /** Whole milliseconds. */
  readonly mtimeMs: number;
  /** Permission bits. */
  readonly mode: number;
  /** Symlink target, kept exactly as read. */
  readonly target?: string;
}

/** `unsafe-name`: a name the receiver would refuse (a backslash in it, or too long), left out rather than failing the sync. */
export type SkippedKind = 'socket' | 'fifo' | 'char-device' | 'block-device' | 'unreadable' | 'unsafe-name';

export interface SkippedEntry {
  readonly path: string;
  readonly kind: SkippedKind;
}

/** An entry row on the wire: [path, type, size, mtimeMs, mode, target?]. */
export type EntryRow = [string, 'f' | 'd' | 'l', number, number, number, string?];

/** Ignore rules as data, so the receiver can rebuild the sender's matcher. */
export interface IgnoreSpec {
  /** Lowest priority first: global excludes, info/exclude, then .gitignore files from the root down. */
  readonly layers: readonly { readonly base: string; readonly patterns: string }[];
  readonly include: readonly string[];
  /** false when ignore rules are off (everything is in scope). */
  readonly enabled: boolean;
}

export interface ReceiverStats {
  readonly filesWritten: number;
  readonly filesUnchanged: number;
  readonly filesDeleted: number;
  readonly dirsCreated: number;
  readonly symlinksWritten: number;
  readonly bytesWritten: number;
  readonly verifyRetries: number;
  readonly gone: number;
}

export type SyncMessage =
  | { t: 'hello'; v: number; syncId: string }
  | { t: 'entries'; data: Buffer }
  | { t: 'rules'; data: Buffer }
  | {
      t: 'entries-end';
      count: number;
      rootMode: number;
      rootMtimeMs: number;
      skipped: SkippedEntry[];
    }
  | { t: 'data'; id: number; data: Buffer; end?: boolean; hash?: string }
  | { t: 'files'; ids: number[]; lens: number[]; data: Buffer }
  | { t: 'gone'; id: number; reason: string }
  | { t: 'need'; id: number; blockSize: number; basisSize: number; data?: Buffer }
  | { t: 'need-whole'; ids: number[] }
  | { t: 'done'; stats: ReceiverStats }
  | { t: 'abort'; code: string; message: string };

export type SyncMessageType = SyncMessage['t'];

/**
 * What a sender or receiver talks through. `send` resolves when the transport can take
 * more (backpressure) and rejects once the channel is closed or cut. Iterating yields the
 * peer's messages in order and ends when the peer closes; it throws if the channel is cut.
 */
export interface SyncChannel {
  send(msg: SyncMessage): Promise<void>;
  [Symbol.asyncIterator](): AsyncIterator<SyncMessage>;
  /**
   * Without an error: we will send no more; the peer's iteration ends after the last message.
   * With an error: tear down both directions; the peer's iteration and sends throw.
   */
  close(err?: Error): void;
}

/** Files up to this size are read in one go and may share a `files` message. */
export const SMALL_FILE_BYTES = 128 * 1024;

export const OP_LITERAL = 0x01;
export const OP_LITERAL_DEFLATE = 0x02;
export const OP_COPY = 0x03;

/** Bytes a message occupies once framed: header JSON plus data. */
export function messageWireBytes(msg: SyncMessage): number {
  const data = 'data' in msg && msg.data ? msg.data.length : 0;
  // File data is most messages; its header is sized without building it.
  if (msg.t === 'data') {
    const header = 18 + digits(msg.id) + (msg.end ? 11 : 0) + (msg.hash === undefined ? 0 : 10 + msg.hash.length);
    return 4 + header + data;
  }
  return 4 + headerJson(msg).length + data;
}

function digits(n: number): number {
  return n < 10 ? 1 : Math.floor(Math.log10(n)) + 1;
}

export function headerJson(msg: SyncMessage): string {
  if (!('data' in msg) || msg.data === undefined) return JSON.stringify(msg);
  const { data: _data, ...header } = msg;
  return JSON.stringify(header);
}

export function entryToRow(e: FileEntry): EntryRow {
  const t = e.type === 'file' ? 'f' : e.type === 'dir' ? 'd' : 'l';
  return e.target === undefined ? [e.path, t, e.size, e.mtimeMs, e.mode] : [e.path, t, e.size, e.mtimeMs, e.mode, e.target];
}
