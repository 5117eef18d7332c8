import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsConstants, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { blockCount, parseSignature, SIG_ENTRY_BYTES } from './block-signature.js';
import { DeltaEncoder } from './delta-encoder.js';
import { startFileList, type FileList, type FileListOptions, type FileListWalk } from './file-list.js';
import { LITERAL_HEADER_ROOM, literalFrame, literalHeader, OpWriter } from './op-stream.js';
import { entryToRow, PROTOCOL_VERSION, SMALL_FILE_BYTES, messageWireBytes, type ReceiverStats, type SkippedEntry, type SyncChannel, type SyncMessage } from './protocol.js';
import { acquireFileHasher, loadBlockHasher, releaseFileHasher } from './strong-hash.js';
import { AsyncQueue } from './async-queue.js';
import { connectionLost, fromAbort, isFromPeer, protocolError, toAbort } from './sync-errors.js';

export interface SendTreeOptions extends FileListOptions {
  /** Files read and sent at once (default 16). */
  readonly concurrency?: number;
  /** Deflate literals (default true); off is better on a fast local link with an idle CPU budget. */
  readonly compress?: boolean;
  /** Bytes read from a file at a time (default 1 MiB); bounds the sender's memory per file. */
  readonly chunkBytes?: number;
}

export interface SendResult {
  readonly entries: number;
  readonly filesSent: number;
  /** File bytes sent as literals, before compression. */
  readonly literalBytes: number;
  /** File bytes the receiver rebuilt from its old copies. */
  readonly matchedBytes: number;
  /** Framed bytes this side sent. */
  readonly wireBytesSent: number;
  readonly skipped: readonly SkippedEntry[];
  readonly durationMs: number;
  readonly receiver: ReceiverStats;
}

interface NeedJob {
  readonly id: number;
  readonly blockSize: number;
  readonly basisSize: number;
  readonly signature: Buffer | undefined;
}

/** Small whole files requested together, answered together in `files` messages. */
interface BatchJob {
  readonly ids: readonly number[];
}

type Job = NeedJob | BatchJob;

const ENTRY_BATCH = 1000;
const OPS_FLUSH = 256 * 1024;
const MAX_BLOCK_SIZE = 1 << 20;
const SMALL_FILE = SMALL_FILE_BYTES;
const BATCH_BYTES = 256 * 1024;

/**
 * The source side of a tree sync: lists `root`, sends the list, then answers the
 * receiver's requests with whole files or deltas until the receiver reports done.
 */
export async function sendTree(root: string, channel: SyncChannel, opts: SendTreeOptions = {}): Promise<SendResult> {
  const started = performance.now();
  let wire = 0;
  const send = (msg: SyncMessage): Promise<void> => {
    wire += messageWireBytes(msg);
    return channel.send(msg);
  };
  try {
    const walk = startFileList(root, opts);
    const list = walk.list;
    const blockHasher = await loadBlockHasher();
    const jobs = new AsyncQueue<Job>();
    const counters = { filesSent: 0, literalBytes: 0, matchedBytes: 0 };
    const active = new Set<number>();

    const reader = (async (): Promise<ReceiverStats> => {
      try {
        for await (const msg of channel) {
          if (msg.t === 'need') jobs.push(checkNeed(msg, list, active));
          else if (msg.t === 'need-whole') {
            const small: number[] = [];
            if (!Array.isArray(msg.ids)) throw protocolError('need-whole without ids');
            for (const id of msg.ids) {
              const job = checkNeed({ t: 'need', id, blockSize: 0, basisSize: 0 }, list, active);
              if ((list.entries[id]?.size ?? 0) <= SMALL_FILE) small.push(id);
              else jobs.push(job);
            }
            if (small.length) jobs.push({ ids: small });
          } else if (msg.t === 'done') return msg.stats;
          else if (msg.t === 'abort') throw fromAbort(msg.code, msg.message);
          else throw protocolError(`unexpected "${msg.t}" message from the receiver`);
        }
        throw connectionLost('receiver');
      } finally {
        jobs.close();
      }
    })();

    const ctx: FileContext = {
      root,
      list,
      send,
      compress: opts.compress ?? true,
      chunkBytes: opts.chunkBytes ?? 1024 * 1024,
      blockHasher,
      counters,
    };
    const workers = Array.from({ length: opts.concurrency ?? 16 }, async () => {
      for (let job = await jobs.take(); job !== undefined; job = await jobs.take()) {
        if ('ids' in job) {
          await sendSmallFiles(ctx, job.ids);
          for (const id of job.ids) active.delete(id);
        } else {
          await sendFile(ctx, job);
          active.delete(job.id);
        }
      }
    });

    // Whichever fails first decides the error; the others must not surface as unhandled.
    for (const p of [reader, ...workers]) p.catch(() => undefined);
    await Promise.race([sendList(walk, send), reader.then(() => undefined)]);
    const [receiver] = await Promise.all([reader, ...workers]);
    channel.close();
    return {
      entries: list.entries.length,
      ...counters,
      wireBytesSent: wire,
      skipped: list.skipped,
      durationMs: performance.now() - started,
      receiver: receiver as ReceiverStats,
    };
  } catch (err) {
    if (!isFromPeer(err)) {
      await Promise.race([channel.send(toAbort(err)).catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    channel.close(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

/**
 * Sends the list while walking, so the receiver compares its side at the same time. The
 * ignore rules go last: only deletions need them, and nested .gitignore files are found
 * on the way.
 */
async function sendList(walk: FileListWalk, send: (m: SyncMessage) => Promise<void>): Promise<void> {
  await send({ t: 'hello', v: PROTOCOL_VERSION, syncId: randomBytes(6).toString('hex') });
  let rows: ReturnType<typeof entryToRow>[] = [];
  for (const entry of walk.entries()) {
    rows.push(entryToRow(entry));
    if (rows.length >= ENTRY_BATCH) {
      await send({ t: 'entries', data: deflate(JSON.stringify(rows)) });
      rows = [];
    }
  }
  if (rows.length) await send({ t: 'entries', data: deflate(JSON.stringify(rows)) });
  const list: FileList = walk.list;
  await send({ t: 'rules', data: deflate(JSON.stringify(list.rules.spec())) });
  await send({
    t: 'entries-end',
    count: list.entries.length,
    rootMode: list.root.mode,
    rootMtimeMs: list.root.mtimeMs,
    skipped: list.skipped,
  });
}

function deflate(text: string): Buffer {
  return deflateRawSync(Buffer.from(text, 'utf8'), { level: zlibConstants.Z_BEST_SPEED });
}

function checkNeed(msg: Extract<SyncMessage, { t: 'need' }>, list: FileList, active: Set<number>): NeedJob {
  const { id, blockSize, basisSize, data } = msg;
  const entry = Number.isInteger(id) ? list.entries[id] : undefined;
  if (!entry || entry.type !== 'file') throw protocolError(`receiver asked for entry ${id}, which is not a file`);
  if (active.has(id)) throw protocolError(`receiver asked twice for ${entry.path}`);
  if (data !== undefined) {
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) throw protocolError('bad block size');
    if (!Number.isSafeInteger(basisSize) || basisSize < 1) throw protocolError('bad basis size');
    if (data.length !== blockCount(basisSize, blockSize) * SIG_ENTRY_BYTES) throw protocolError('signature length does not match the basis size');
  }
  active.add(id);
  return { id, blockSize, basisSize, signature: data };
}

interface FileContext {
  readonly root: string;
  readonly list: FileList;
  readonly send: (m: SyncMessage) => Promise<void>;
  readonly compress: boolean;
  readonly chunkBytes: number;
  readonly blockHasher: Awaited<ReturnType<typeof loadBlockHasher>>;
  readonly counters: { filesSent: number; literalBytes: number; matchedBytes: number };
}

async function sendFile(ctx: FileContext, job: NeedJob): Promise<void> {
  const entry = ctx.list.entries[job.id];
  if (!entry) return;
  const abs = join(ctx.root, entry.path);
  // O_NOFOLLOW: a file swapped for a symlink since the walk must not leak what it points at.
  const flags = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW;
  if (!job.signature && entry.size <= SMALL_FILE) {
    // Small files are read synchronously: three thread-pool round trips would cost more
    // than the read itself, and there may be tens of thousands of them.
    let data: Buffer;
    try {
      data = readSmall(abs, flags, entry.size);
    } catch (err) {
      await ctx.send({ t: 'gone', id: job.id, reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' });
      return;
    }
    const ops = new OpWriter(ctx.compress);
    ops.literal(data);
    ctx.counters.filesSent += 1;
    ctx.counters.literalBytes += data.length;
    await ctx.send({ t: 'data', id: job.id, data: ops.take(), end: true });
    return;
  }
  let fh: FileHandle;
  try {
    fh = await open(abs, flags);
  } catch (err) {
    await ctx.send({ t: 'gone', id: job.id, reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' });
    return;
  }
  let fileHasher: Awaited<ReturnType<typeof acquireFileHasher>> | undefined;
  try {
    const ops = new OpWriter(ctx.compress);
    const delta = job.signature ? new DeltaEncoder(parseSignature(job.signature, job.blockSize, job.basisSize), ctx.blockHasher, ops) : undefined;
    fileHasher = delta ? await acquireFileHasher() : undefined;
    let sent = 0;
    for (;;) {
      // Never more than the listed size: the receiver holds us to it.
      const want = Math.min(ctx.chunkBytes, entry.size - sent);
      if (!delta && !ops.compressing && want > 0) {
        const frame = Buffer.allocUnsafe(LITERAL_HEADER_ROOM + want);
        const { bytesRead } = await fh.read(frame, LITERAL_HEADER_ROOM, want, sent);
        sent += bytesRead;
        ops.literalBytes += bytesRead;
        const last = bytesRead < want || sent >= entry.size;
        await ctx.send(last ? { t: 'data', id: job.id, data: literalFrame(frame, bytesRead), end: true } : { t: 'data', id: job.id, data: literalFrame(frame, bytesRead) });
        if (last) break;
        continue;
      }
      const chunk = want > 0 ? Buffer.allocUnsafe(want) : Buffer.alloc(0);
      const { bytesRead } = want > 0 ? await fh.read(chunk, 0, want, sent) : { bytesRead: 0 };
      const piece = bytesRead === want ? chunk : chunk.subarray(0, bytesRead);
      sent += bytesRead;
      const last = bytesRead < want || sent >= entry.size;
      if (delta) {
        fileHasher?.update(piece);
        delta.push(piece);
        if (last) delta.finish();
      } else {
        ops.literal(piece);
      }
      if (last) {
        const hash = fileHasher ? fileHasher.digest('hex') : undefined;
        await ctx.send(hash === undefined ? { t: 'data', id: job.id, data: ops.take(), end: true } : { t: 'data', id: job.id, data: ops.take(), end: true, hash });
        break;
      }
      if (ops.pendingBytes >= OPS_FLUSH || !delta) await ctx.send({ t: 'data', id: job.id, data: ops.take() });
    }
    ctx.counters.filesSent += 1;
    ctx.counters.literalBytes += ops.literalBytes;
    ctx.counters.matchedBytes += sent - ops.literalBytes;
  } finally {
    releaseFileHasher(fileHasher);
    await fh.close();
  }
}

/** Reads small files synchronously and packs their op streams into `files` messages. */
async function sendSmallFiles(ctx: FileContext, ids: readonly number[]): Promise<void> {
  if (!ctx.compress) return sendSmallFilesRaw(ctx, ids);
  let batch: { ids: number[]; lens: number[]; parts: Buffer[]; bytes: number } = { ids: [], lens: [], parts: [], bytes: 0 };
  const flush = async (): Promise<void> => {
    if (batch.ids.length === 0) return;
    const { ids: bIds, lens, parts, bytes } = batch;
    batch = { ids: [], lens: [], parts: [], bytes: 0 };
    await ctx.send({ t: 'files', ids: bIds, lens, data: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, bytes) });
  };
  for (const id of ids) {
    const entry = ctx.list.entries[id];
    if (!entry) continue;
    let data: Buffer;
    try {
      data = readSmall(join(ctx.root, entry.path), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW, entry.size);
    } catch (err) {
      await ctx.send({ t: 'gone', id, reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' });
      continue;
    }
    const ops = new OpWriter(ctx.compress);
    ops.literal(data);
    const framed = ops.take();
    batch.ids.push(id);
    batch.lens.push(framed.length);
    batch.parts.push(framed);
    batch.bytes += framed.length;
    ctx.counters.filesSent += 1;
    ctx.counters.literalBytes += data.length;
    if (batch.bytes >= BATCH_BYTES) await flush();
  }
  await flush();
}

/**
 * Without compression, files are read straight into the message buffer behind their op
 * headers: no copy per file, none per message.
 */
async function sendSmallFilesRaw(ctx: FileContext, ids: readonly number[]): Promise<void> {
  const flags = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW;
  for (let i = 0; i < ids.length; ) {
    let end = i;
    let room = 0;
    while (end < ids.length && room < BATCH_BYTES) room += (ctx.list.entries[ids[end++] as number]?.size ?? 0) + LITERAL_HEADER_ROOM;
    const buf = Buffer.allocUnsafe(room);
    const batchIds: number[] = [];
    const lens: number[] = [];
    let off = 0;
    for (; i < end; i++) {
      const id = ids[i] as number;
      const entry = ctx.list.entries[id];
      if (!entry) continue;
      const header = literalHeader(entry.size);
      let got: number;
      try {
        got = readSmallInto(join(ctx.root, entry.path), flags, buf, off + header.length, entry.size);
      } catch (err) {
        await ctx.send({ t: 'gone', id, reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' });
        continue;
      }
      let frame = header;
      if (got !== entry.size) {
        // The file shrank since it was listed: a shorter header, and the bytes moved up to it.
        frame = literalHeader(got);
        buf.copy(buf, off + frame.length, off + header.length, off + header.length + got);
      }
      frame.copy(buf, off);
      batchIds.push(id);
      lens.push(frame.length + got);
      off += frame.length + got;
      ctx.counters.filesSent += 1;
      ctx.counters.literalBytes += got;
    }
    if (batchIds.length) await ctx.send({ t: 'files', ids: batchIds, lens, data: buf.subarray(0, off) });
  }
}

function readSmallInto(abs: string, flags: number, buf: Buffer, offset: number, size: number): number {
  const fd = openSync(abs, flags);
  try {
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, offset + got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got;
  } finally {
    closeSync(fd);
  }
}

function readSmall(abs: string, flags: number, size: number): Buffer {
  const fd = openSync(abs, flags);
  try {
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
