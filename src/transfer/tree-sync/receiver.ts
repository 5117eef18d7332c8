import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants as fsConstants,
  type Dirent,
  existsSync,
  fchmodSync,
  futimesSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writevSync,
} from 'node:fs';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { IHasher } from 'hash-wasm';
import { HappierError } from '../../domain/errors.js';
import { checkLinkTarget, checkPeerPath, DEFAULT_TRANSFER_LIMITS, parentOf, safeMode, type TransferLimits } from '../../domain/path-safety.js';
import { AsyncQueue } from './async-queue.js';
import { chooseBlockSize, SignatureBuilder } from './block-signature.js';
import { applyOps, type BasisReader } from './delta-apply.js';
import { readOps } from './op-stream.js';
import { TreeIgnore } from './ignore-rules.js';
import { PROTOCOL_VERSION, SMALL_FILE_BYTES, type FileEntry, type IgnoreSpec, type ReceiverStats, type SkippedEntry, type SyncChannel, type SyncMessage } from './protocol.js';
import { acquireFileHasher, loadBlockHasher, releaseFileHasher } from './strong-hash.js';
import { connectionLost, fromAbort, isFromPeer, limitError, protocolError, toAbort, unsafePath } from './sync-errors.js';
import { isSyncTempName, stagingPathFor, syncTempName } from './sync-leftovers.js';

export interface ReceiveTreeOptions {
  readonly limits?: Partial<TransferLimits>;
  /**
   * Delete destination paths the source does not have (default true). Only paths inside the
   * synced scope go: anything the source's ignore rules exclude (build output, .env files,
   * node_modules) is left alone, since the source never said anything about it.
   */
  readonly deleteExtraneous?: boolean;
  /** Large or delta files requested and not yet complete (default 64); small whole files have their own allowance. */
  readonly maxOutstanding?: number;
  /**
   * Make the result durable (default true): everything written is flushed to disk before
   * any of it is renamed into place (the staging directory, or each file's temporary name).
   */
  readonly fsync?: boolean;
  /**
   * Permission bits the receiving user withholds (default: this process's umask), as cp and
   * rsync without -p do: files take the source's bits minus these, never wider.
   */
  readonly umask?: number;
}

export interface ReceiveResult extends ReceiverStats {
  readonly dest: string;
  /** True when the tree was new and was staged beside the destination, then renamed into place. */
  readonly staged: boolean;
  /** Special files and unreadable paths the sender left out. */
  readonly skipped: readonly SkippedEntry[];
  readonly durationMs: number;
}

interface DestInfo {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
}

interface IncomingFile {
  readonly id: number;
  readonly entry: FileEntry;
  /** Size of the old copy to delta against, if any. */
  basisSize: number;
  requested: boolean;
  basis: FileHandle | undefined;
  blockSize: number;
  fh: FileHandle | undefined;
  tmp: string | undefined;
  written: number;
  hasher: IHasher | undefined;
  chain: Promise<void>;
  ended: boolean;
  /** Which allowance the request holds while it is outstanding. */
  slot: 'small' | 'large' | undefined;
}

const WRITE_BUDGET = 16 * 1024 * 1024;
const WRITE_FLUSH = 1024 * 1024;
const MAX_SKIPPED_NOTES = 10_000;
const SMALL_FILE = 256 * 1024;
const NEED_WORKERS = 8;
const MAX_SMALL_OUTSTANDING = 1024;
const SMALL_REFILL = 64;
const MAX_BATCH = 256;
const COMMIT_MIN_FILES = 64;
const COMMIT_MS = 250;
const execFileAsync = promisify(execFile);

/**
 * The destination side of a tree sync. A destination that does not exist yet is built in a
 * sibling staging directory and renamed into place at the end; an existing one is updated
 * file by file, each through a temporary name and a rename, so an interrupted sync leaves
 * only complete files behind.
 */
export async function receiveTree(dest: string, channel: SyncChannel, opts: ReceiveTreeOptions = {}): Promise<ReceiveResult> {
  const r = new TreeReceiver(resolve(dest), channel, opts);
  return r.run();
}

class TreeReceiver {
  private readonly limits: TransferLimits;
  private readonly syncId = randomBytes(6).toString('hex');
  private readonly staged: boolean;
  private readonly workRoot: string;
  private readonly started = performance.now();
  private readonly umask: number;
  private tempCounter = 0;

  private helloSeen = false;
  private rules: TreeIgnore | undefined;
  /** What the destination held, by path (null: nothing), looked up as the list arrives. */
  private readonly destCache = new Map<string, DestInfo | null>();
  private readonly destListings = new Map<string, Map<string, boolean>>();
  private readonly entries: FileEntry[] = [];
  private readonly seen = new Map<string, number>();
  private readonly dirIds: number[] = [];
  private totalBytes = 0;
  private listEnded = false;
  private root: { mode: number; mtimeMs: number } | undefined;
  private skipped: SkippedEntry[] = [];

  private readonly files = new Map<number, IncomingFile>();
  private readonly needs = new AsyncQueue<number>();
  private outstanding = 0;
  private outstandingSmall = 0;
  private unfinished = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private pendingWrite = 0;
  private writeWaiter: (() => void) | undefined;
  private readonly temps = new Set<string>();
  /** Files written into the staging directory: flushed at once before it goes into place. */
  private readonly unflushed: string[] = [];
  /** Finished temporary files and where they go, waiting for the next group commit. */
  private pendingRenames: { tmp: string; rel: string }[] = [];
  private committing: Promise<void> = Promise.resolve();
  private lastCommit = performance.now();
  private committedFiles = 0;
  private finished = false;
  private fatal: unknown;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private blockHasher: IHasher | undefined;

  private readonly stats = {
    filesWritten: 0,
    filesUnchanged: 0,
    filesDeleted: 0,
    dirsCreated: 0,
    symlinksWritten: 0,
    bytesWritten: 0,
    verifyRetries: 0,
    gone: 0,
  };

  constructor(
    private readonly dest: string,
    private readonly channel: SyncChannel,
    private readonly opts: ReceiveTreeOptions,
  ) {
    this.limits = { ...DEFAULT_TRANSFER_LIMITS, ...opts.limits };
    this.umask = (opts.umask ?? process.umask()) & 0o777;
    let existing: ReturnType<typeof statSync> | undefined;
    try {
      existing = statSync(dest);
    } catch {
      existing = undefined;
    }
    if (existing && !existing.isDirectory()) {
      throw new HappierError('CONFLICT', `destination ${dest} exists and is not a directory`, { hint: 'Choose another target path.' });
    }
    this.staged = existing === undefined;
    this.workRoot = this.staged ? stagingPathFor(dest, this.syncId) : realpathSync(dest);
  }

  async run(): Promise<ReceiveResult> {
    const allDone = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    allDone.catch(() => undefined);
    try {
      // Set up before the first message is read: it may already be waiting.
      this.blockHasher = await loadBlockHasher();
      if (this.staged) {
        mkdirSync(dirname(this.dest), { recursive: true });
        mkdirSync(this.workRoot, { mode: 0o700 });
      }
      if (!this.staged) this.listing('');
      const reader = this.readLoop();
      const needs = this.needLoop();
      for (const p of [reader, needs]) p.catch(() => undefined);
      await Promise.race([allDone, reader, needs]);
      if (this.fatal) throw this.fatal;
      await this.finalize();
      this.finished = true;
      this.needs.close();
      const stats: ReceiverStats = { ...this.stats };
      await this.channel.send({ t: 'done', stats });
      this.channel.close();
      return { ...stats, dest: this.dest, staged: this.staged, skipped: this.skipped, durationMs: performance.now() - this.started };
    } catch (err) {
      this.fail(err);
      await this.abort(err);
      throw err;
    }
  }

  private fail(err: unknown): void {
    if (this.fatal === undefined) this.fatal = err;
    this.settle?.reject(err);
  }

  private async abort(err: unknown): Promise<void> {
    this.needs.close();
    if (!isFromPeer(err)) {
      await Promise.race([this.channel.send(toAbort(err)).catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    this.channel.close(err instanceof Error ? err : new Error(String(err)));
    // Let in-flight writes stop before their temporary files are removed under them.
    await Promise.allSettled([...this.files.values()].map((f) => f.chain));
    await this.committing;
    for (const f of this.files.values()) {
      await f.fh?.close().catch(() => undefined);
      await f.basis?.close().catch(() => undefined);
    }
    for (const t of this.temps) rmSync(t, { force: true });
    if (this.staged) rmSync(this.workRoot, { recursive: true, force: true });
  }

  // ---- reading the sender's messages -------------------------------------------------

  private async readLoop(): Promise<void> {
    for await (const msg of this.channel) {
      if (this.fatal) throw this.fatal;
      await this.handle(msg);
    }
    if (!this.finished) throw connectionLost('sender');
  }

  private async handle(msg: SyncMessage): Promise<void> {
    if (msg.t !== 'hello' && !this.helloSeen) throw protocolError('the sender did not say hello first');
    switch (msg.t) {
      case 'hello':
        if (msg.v !== PROTOCOL_VERSION) throw protocolError(`protocol version ${msg.v} is not ${PROTOCOL_VERSION}`);
        this.helloSeen = true;
        return;
      case 'rules':
        if (this.rules || this.listEnded) throw protocolError('rules must come once, before the end of the list');
        this.rules = TreeIgnore.fromSpec(checkSpec(parseJson(this.inflate(msg.data))));
        return;
      case 'entries': {
        if (this.listEnded) throw protocolError('entries after the end of the list');
        const rows = parseJson(this.inflate(msg.data));
        if (!Array.isArray(rows)) throw protocolError('entries are not a list');
        for (const row of rows) this.acceptEntry(row);
        return;
      }
      case 'entries-end':
        if (this.listEnded) throw protocolError('two ends of the list');
        if (msg.count !== this.entries.length) throw protocolError(`list said ${msg.count} entries, ${this.entries.length} came`);
        this.root = { mode: num(msg.rootMode, 0o7777), mtimeMs: time(msg.rootMtimeMs) };
        this.skipped = Array.isArray(msg.skipped) ? msg.skipped.slice(0, MAX_SKIPPED_NOTES) : [];
        this.listEnded = true;
        this.checkAllDone();
        return;
      case 'data':
        return this.onData(msg);
      case 'files': {
        const data = Buffer.isBuffer(msg.data) ? msg.data : Buffer.alloc(0);
        const { ids, lens } = msg;
        if (!Array.isArray(ids) || !Array.isArray(lens) || ids.length !== lens.length) throw protocolError('malformed files message');
        let off = 0;
        for (let i = 0; i < ids.length; i++) {
          const len = lens[i];
          if (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 0 || off + len > data.length) throw protocolError('malformed files message');
          await this.onData({ t: 'data', id: ids[i] as number, data: data.subarray(off, off + len), end: true });
          off += len;
        }
        if (off !== data.length) throw protocolError('malformed files message');
        return;
      }
      case 'gone': {
        const f = this.requestedFile(msg.id);
        f.ended = true;
        this.stats.gone += 1;
        f.chain = f.chain.then(() => this.discard(f)).then(() => this.complete(f), (e) => this.fail(e));
        return;
      }
      case 'abort':
        throw fromAbort(msg.code, msg.message);
      default:
        throw protocolError(`unexpected "${(msg as { t: string }).t}" message from the sender`);
    }
  }

  private inflate(data: Buffer | undefined): Buffer {
    if (!data || data.length > this.limits.maxMessageBytes) throw limitError('a list message is over the size limit');
    try {
      return inflateRawSync(data, { maxOutputLength: this.limits.maxMessageBytes * 8 });
    } catch {
      throw protocolError('a list message does not inflate (or inflates past the limit)');
    }
  }

  // ---- the file list ------------------------------------------------------------------

  private acceptEntry(row: unknown): void {
    if (!Array.isArray(row) || row.length < 5 || row.length > 6) throw protocolError('malformed entry');
    const [path, t, size, mtimeMs, mode, target] = row as unknown[];
    const verdict = checkPeerPath(path, this.limits);
    if (!verdict.ok) throw unsafePath(String(path), verdict.reason);
    const rel = path as string;
    const type = t === 'f' ? 'file' : t === 'd' ? 'dir' : t === 'l' ? 'symlink' : undefined;
    if (!type) throw protocolError(`unknown entry type for ${rel}`);
    const entry: FileEntry = {
      path: rel,
      type,
      size: type === 'file' ? num(size, this.limits.maxTotalBytes) : 0,
      mtimeMs: time(mtimeMs),
      mode: num(mode, 0o7777),
      ...(type === 'symlink' ? { target: target as string } : {}),
    };
    if (type === 'symlink') {
      const tv = checkLinkTarget(target, this.limits);
      if (!tv.ok) throw unsafePath(rel, tv.reason);
    }
    if (this.seen.has(rel)) throw unsafePath(rel, 'listed twice');
    const parent = parentOf(rel);
    if (parent !== '') {
      const pid = this.seen.get(parent);
      if (pid === undefined || this.entries[pid]?.type !== 'dir') {
        throw unsafePath(rel, 'its parent is not a directory of the tree (it would pass through a symlink or a file)');
      }
    }
    if (this.entries.length >= this.limits.maxEntries) throw limitError(`more than ${this.limits.maxEntries} entries`);
    this.totalBytes += entry.size;
    if (this.totalBytes > this.limits.maxTotalBytes) throw limitError(`more than ${this.limits.maxTotalBytes} bytes in the tree`);
    const id = this.entries.length;
    this.entries.push(entry);
    this.seen.set(rel, id);
    if (type === 'dir') this.placeDir(id, entry);
    else if (type === 'symlink') this.placeSymlink(entry);
    else this.placeFile(id, entry);
  }

  private abs(rel: string): string {
    return `${this.workRoot}/${rel}`;
  }

  private placeDir(id: number, entry: FileEntry): void {
    this.dirIds.push(id);
    const abs = this.abs(entry.path);
    const existing = this.destInfo(entry.path);
    if (existing?.type === 'dir') {
      // A read-only directory must take our temporary files; its mode is restored at the end.
      if ((existing.mode & 0o700) !== 0o700) chmodSync(abs, existing.mode | 0o700);
      // Listed now, before anything of ours lands in it.
      this.listing(entry.path);
    } else {
      if (existing) this.removeExisting(entry.path, existing);
      mkdirSync(abs, { mode: 0o700 });
      this.destListings.set(entry.path, new Map());
      this.stats.dirsCreated += 1;
    }
    const st = lstatSync(abs);
    if (!st.isDirectory()) throw unsafePath(entry.path, 'is not a real directory on disk');
  }

  private placeSymlink(entry: FileEntry): void {
    const abs = this.abs(entry.path);
    const existing = this.destInfo(entry.path);
    const target = entry.target as string;
    if (existing?.type === 'symlink' && readlinkSync(abs) === target) {
      this.stats.filesUnchanged += 1;
      return;
    }
    const tmp = this.tempPath(parentOf(entry.path));
    this.temps.add(tmp);
    symlinkSync(target, tmp);
    if (existing?.type === 'dir') this.removeExisting(entry.path, existing);
    renameSync(tmp, abs);
    this.temps.delete(tmp);
    try {
      lutimesSync(abs, toSeconds(entry.mtimeMs), toSeconds(entry.mtimeMs));
    } catch {
      // Some file systems keep no times on links; the link itself is what matters.
    }
    this.stats.symlinksWritten += 1;
  }

  private placeFile(id: number, entry: FileEntry): void {
    const abs = this.abs(entry.path);
    const existing = this.destInfo(entry.path);
    if (existing?.type === 'file' && existing.size === entry.size && Math.abs(existing.mtimeMs - entry.mtimeMs) < 1) {
      if ((existing.mode & 0o777) !== this.modeOf(entry.mode)) chmodSync(abs, this.modeOf(entry.mode));
      this.stats.filesUnchanged += 1;
      return;
    }
    if (entry.size === 0) {
      const tmp = this.tempPath(parentOf(entry.path));
      this.temps.add(tmp);
      const fd = openSync(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
      try {
        fchmodSync(fd, this.modeOf(entry.mode));
        futimesSync(fd, toSeconds(entry.mtimeMs), toSeconds(entry.mtimeMs));
      } finally {
        closeSync(fd);
      }
      if (existing?.type === 'dir') this.removeExisting(entry.path, existing);
      renameSync(tmp, abs);
      this.temps.delete(tmp);
      this.stats.filesWritten += 1;
      return;
    }
    const f: IncomingFile = {
      id,
      entry,
      basisSize: existing?.type === 'file' ? existing.size : 0,
      requested: false,
      basis: undefined,
      blockSize: 0,
      fh: undefined,
      tmp: undefined,
      written: 0,
      hasher: undefined,
      chain: Promise.resolve(),
      ended: false,
      slot: undefined,
    };
    this.files.set(id, f);
    this.unfinished += 1;
    this.needs.push(id);
  }

  /**
   * Clears a destination path whose type the source changed. A directory goes only when
   * nothing in it is outside the synced scope: ignored files there are the user's.
   */
  private removeExisting(rel: string, existing: DestInfo): void {
    const abs = this.abs(rel);
    if (existing.type !== 'dir') {
      unlinkSync(abs);
      return;
    }
    const keep = this.outOfScopeUnder(rel);
    if (keep) {
      throw new HappierError('CONFLICT', `the source has a file at ${rel}, where the destination has a directory holding ignored files (${keep})`, {
        hint: 'Move that directory aside on the destination and sync again.',
      });
    }
    rmSync(abs, { recursive: true, force: true });
    this.destCache.set(rel, null);
  }

  private outOfScopeUnder(rel: string): string | undefined {
    if (!this.rules) return undefined;
    for (const d of readdirSync(this.abs(rel), { withFileTypes: true })) {
      const child = `${rel}/${d.name}`;
      if (this.rules.outOfScope(child, d.isDirectory())) return child;
      if (d.isDirectory()) {
        const deeper = this.outOfScopeUnder(child);
        if (deeper) return deeper;
      }
    }
    return undefined;
  }

  /**
   * Where a file's bytes are written first. In a staging directory nothing is visible until
   * the whole tree is renamed into place, so files are written under their own names there;
   * in a live destination, under a temporary name beside the file they replace.
   */
  private writePath(rel: string): string {
    if (!this.staged) return this.tempPath(parentOf(rel));
    const path = this.abs(rel);
    this.unflushed.push(path);
    return path;
  }

  /** A finished file: in place already when staged, else queued for the next group commit. */
  private place(tmp: string, rel: string): void {
    if (this.staged) {
      this.temps.delete(tmp);
      return;
    }
    this.pendingRenames.push({ tmp, rel });
    // Groups grow with the sync: early files show up soon, and a long sync still takes only
    // a few dozen flushes.
    const groupSize = Math.max(COMMIT_MIN_FILES, this.committedFiles >> 1);
    if (this.pendingRenames.length >= groupSize || performance.now() - this.lastCommit >= COMMIT_MS) void this.commit();
  }

  /**
   * Group commit for a live destination: one flush for every finished file so far, then each
   * is renamed over the file it replaces. Files appear as the sync goes, each complete, and
   * a flush costs one syncfs (35 ms for 5,000 files here) instead of an fsync per file
   * before its rename (350 ms for 200 edited files, 600 ms over a 20,000-file copy).
   */
  private commit(): Promise<void> {
    const batch = this.pendingRenames;
    this.pendingRenames = [];
    this.committedFiles += batch.length;
    this.lastCommit = performance.now();
    this.committing = this.committing
      .then(async () => {
        if (batch.length === 0 || this.fatal) return;
        if (this.opts.fsync ?? true) await this.flush(batch.map((b) => b.tmp));
        for (const { tmp, rel } of batch) {
          if (this.fatal) return;
          const existing = this.destInfo(rel);
          if (existing?.type === 'dir') this.removeExisting(rel, existing);
          renameSync(tmp, this.abs(rel));
          this.temps.delete(tmp);
        }
      })
      .catch((e) => this.fail(e));
    return this.committing;
  }

  private tempPath(parentRel: string): string {
    this.tempCounter += 1;
    const name = syncTempName(this.syncId, this.tempCounter);
    return parentRel ? `${this.workRoot}/${parentRel}/${name}` : `${this.workRoot}/${name}`;
  }

  /**
   * What the destination holds at `rel`, read on first need: its directory is listed once,
   * and only names that exist are lstat'ed. Work follows the source list, so it overlaps
   * with the sender's walk, and ignored trees on the destination are never walked.
   */
  private destInfo(rel: string): DestInfo | undefined {
    if (this.staged) return undefined;
    const cached = this.destCache.get(rel);
    if (cached !== undefined) return cached ?? undefined;
    const parent = parentOf(rel);
    const name = parent ? rel.slice(parent.length + 1) : rel;
    let info: DestInfo | null = null;
    if (this.listing(parent).has(name)) {
      try {
        const st = lstatSync(this.abs(rel));
        const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
        info = { type, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 };
      } catch {
        info = null;
      }
    }
    this.destCache.set(rel, info);
    return info ?? undefined;
  }

  /** Names in a destination directory (true for directories), read once. */
  private listing(dirRel: string): Map<string, boolean> {
    let names = this.destListings.get(dirRel);
    if (names) return names;
    names = new Map();
    const dirAbs = dirRel ? this.abs(dirRel) : this.workRoot;
    let dirents: Dirent[] = [];
    try {
      dirents = readdirSync(dirAbs, { withFileTypes: true });
    } catch {
      dirents = [];
    }
    for (const d of dirents) {
      if (isSyncTempName(d.name)) {
        // One of ours, or left by an interrupted sync into this same destination.
        if (!d.name.includes(this.syncId)) rmSync(`${dirAbs}/${d.name}`, { force: true, recursive: d.isDirectory() });
        continue;
      }
      names.set(d.name, d.isDirectory());
    }
    this.destListings.set(dirRel, names);
    return names;
  }

  // ---- requesting files ----------------------------------------------------------------

  /** Several requesters, so reading old copies for signatures overlaps with everything else. */
  private async needLoop(): Promise<void> {
    await Promise.all(Array.from({ length: NEED_WORKERS }, () => this.requester()));
  }

  private async requester(): Promise<void> {
    const max = this.opts.maxOutstanding ?? 64;
    for (let id = await this.needs.take(); id !== undefined; id = await this.needs.take()) {
      const f = this.files.get(id);
      if (!f) continue;
      const small = isSmallWhole(f);
      while (!this.fatal && (small ? this.smallSlotsBusy() : this.outstanding >= max)) {
        await new Promise<void>((r) => this.slotWaiters.push(r));
      }
      if (this.fatal) return;
      this.takeSlot(f, small);
      if (small) {
        const ids = [id];
        while (this.outstandingSmall < MAX_SMALL_OUTSTANDING && ids.length < MAX_BATCH) {
          const next = this.needs.peek();
          const nf = next === undefined ? undefined : this.files.get(next);
          if (next === undefined || (nf && !isSmallWhole(nf))) break;
          this.needs.tryTake();
          if (!nf) continue;
          this.takeSlot(nf, true);
          ids.push(next);
        }
        await this.channel.send({ t: 'need-whole', ids });
        continue;
      }
      const sig = f.basisSize > 0 ? await this.signature(f) : undefined;
      await this.channel.send(
        sig ? { t: 'need', id, blockSize: f.blockSize, basisSize: f.basisSize, data: sig } : { t: 'need-whole', ids: [id] },
      );
    }
  }

  /**
   * Small whole files have their own, larger allowance: they hold no descriptors while
   * outstanding, and with a backlog a requester waits for a good batch rather than
   * sending one file per freed slot.
   */
  private smallSlotsBusy(): boolean {
    const free = MAX_SMALL_OUTSTANDING - this.outstandingSmall;
    return free <= 0 || (free < SMALL_REFILL && this.needs.size >= SMALL_REFILL);
  }

  private takeSlot(f: IncomingFile, small: boolean): void {
    f.requested = true;
    f.slot = small ? 'small' : 'large';
    if (small) this.outstandingSmall += 1;
    else this.outstanding += 1;
  }

  private releaseSlot(f: IncomingFile): void {
    if (f.slot === 'small') this.outstandingSmall -= 1;
    else if (f.slot === 'large') this.outstanding -= 1;
    f.slot = undefined;
    const waiters = this.slotWaiters.splice(0);
    for (const w of waiters) w();
  }

  private async signature(f: IncomingFile): Promise<Buffer | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(this.abs(f.entry.path), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    } catch {
      f.basisSize = 0;
      return undefined;
    }
    const bs = chooseBlockSize(f.basisSize);
    const sb = new SignatureBuilder(this.blockHasher as IHasher, bs, f.basisSize);
    const step = bs * Math.max(1, Math.floor(WRITE_FLUSH / bs));
    for (let off = 0; off < f.basisSize; off += step) {
      const want = Math.min(step, f.basisSize - off);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, off);
      if (bytesRead !== want) {
        // The old copy shrank under us: fall back to a whole-file transfer.
        await fh.close();
        f.basisSize = 0;
        return undefined;
      }
      sb.add(buf);
    }
    f.basis = fh;
    f.blockSize = bs;
    f.hasher = await acquireFileHasher();
    return sb.result();
  }

  // ---- file data -----------------------------------------------------------------------

  private requestedFile(id: unknown): IncomingFile {
    const f = typeof id === 'number' ? this.files.get(id) : undefined;
    if (!f || !f.requested || f.ended) throw protocolError(`data for entry ${String(id)}, which was not requested`);
    return f;
  }

  private async onData(msg: Extract<SyncMessage, { t: 'data' }>): Promise<void> {
    const f = this.requestedFile(msg.id);
    if (!Buffer.isBuffer(msg.data)) throw protocolError('data without bytes');
    if (msg.data.length > this.limits.maxMessageBytes) throw limitError('a data message is over the size limit');
    if (msg.end) f.ended = true;
    const size = msg.data.length;
    this.pendingWrite += size;
    f.chain = f.chain
      .then(() => (this.fatal ? undefined : this.applyData(f, msg)))
      .catch((e) => this.fail(e))
      .finally(() => {
        this.pendingWrite -= size;
        if (this.pendingWrite <= WRITE_BUDGET) this.writeWaiter?.();
      });
    while (this.pendingWrite > WRITE_BUDGET && !this.fatal) await new Promise<void>((r) => (this.writeWaiter = r));
  }

  private async applyData(f: IncomingFile, msg: Extract<SyncMessage, { t: 'data' }>): Promise<void> {
    if (!f.fh && !f.basis && msg.end && f.entry.size <= SMALL_FILE) return this.writeSmallFile(f, msg.data);
    if (!f.fh) {
      f.tmp = this.writePath(f.entry.path);
      this.temps.add(f.tmp);
      f.fh = await open(f.tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
    }
    const fh = f.fh;
    let pieces: Buffer[] = [];
    let pending = 0;
    const flush = async (): Promise<void> => {
      let off = 0;
      while (off < pending) {
        const { bytesWritten } = await fh.writev(pieces, f.written);
        if (bytesWritten === pending - off) break;
        // A short write: continue with what is left.
        const rest = Buffer.concat(pieces).subarray(bytesWritten);
        pieces = [rest];
        f.written += bytesWritten;
        off += bytesWritten;
      }
      f.written += pending - off;
      pieces = [];
      pending = 0;
    };
    const basis: BasisReader | undefined = f.basis
      ? {
          blockSize: f.blockSize,
          size: f.basisSize,
          read: async (offset, length) => {
            const buf = Buffer.allocUnsafe(length);
            const { bytesRead } = await (f.basis as FileHandle).read(buf, 0, length, offset);
            return buf.subarray(0, bytesRead);
          },
        }
      : undefined;
    await applyOps(msg.data, basis, async (b) => {
      if (f.written + pending + b.length > f.entry.size) throw limitError(`${f.entry.path} is longer than its listed size`);
      f.hasher?.update(b);
      pieces.push(b);
      pending += b.length;
      if (pending >= WRITE_FLUSH) await flush();
    });
    if (pending > 0) await flush();
    if (msg.end) await this.finishFile(f, msg.hash);
  }

  /**
   * A whole small file in one message, written with synchronous calls: for tens of
   * thousands of small files the thread-pool round trips cost more than the writes.
   */
  private async writeSmallFile(f: IncomingFile, data: Buffer): Promise<void> {
    const pieces: Buffer[] = [];
    let total = 0;
    for (const op of readOps(data)) {
      if (op.kind === 'copy') throw protocolError('copy op without an old copy to copy from');
      total += op.data.length;
      if (total > f.entry.size) throw limitError(`${f.entry.path} is longer than its listed size`);
      pieces.push(op.data);
    }
    const tmp = this.writePath(f.entry.path);
    this.temps.add(tmp);
    const fd = openSync(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
    try {
      if (total > 0) writevSync(fd, pieces, 0);
      fchmodSync(fd, this.modeOf(f.entry.mode));
      futimesSync(fd, toSeconds(f.entry.mtimeMs), toSeconds(f.entry.mtimeMs));
    } finally {
      closeSync(fd);
    }
    this.place(tmp, f.entry.path);
    f.written = total;
    this.stats.filesWritten += 1;
    this.stats.bytesWritten += total;
    this.complete(f);
  }

  private async finishFile(f: IncomingFile, hash: string | undefined): Promise<void> {
    if (f.hasher) {
      if (typeof hash !== 'string') throw protocolError(`delta for ${f.entry.path} came without its hash`);
      if (f.hasher.digest('hex') !== hash) {
        // A weak and strong hash collision built the wrong file; ask again for the whole file.
        if (this.stats.verifyRetries > 100) throw new HappierError('TRANSFER_FAILED', `${f.entry.path} did not verify after a retry`, { hint: 'Run the sync again.' });
        this.stats.verifyRetries += 1;
        await this.discard(f);
        releaseFileHasher(f.hasher);
        this.releaseSlot(f);
        Object.assign(f, { basisSize: 0, requested: false, ended: false, written: 0, hasher: undefined, blockSize: 0 });
        this.needs.push(f.id);
        return;
      }
    }
    const fh = f.fh;
    const tmp = f.tmp;
    if (!fh || !tmp) {
      // Every byte was listed but the source had shrunk to nothing: an empty file.
      f.tmp = this.writePath(f.entry.path);
      this.temps.add(f.tmp);
      f.fh = await open(f.tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
      return this.finishFile(f, hash);
    }
    const seconds = toSeconds(f.entry.mtimeMs);
    await fh.chmod(this.modeOf(f.entry.mode));
    await fh.utimes(seconds, seconds);
    await fh.close();
    f.fh = undefined;
    this.place(tmp, f.entry.path);
    f.tmp = undefined;
    await f.basis?.close();
    f.basis = undefined;
    this.stats.filesWritten += 1;
    this.stats.bytesWritten += f.written;
    this.complete(f);
  }

  private async discard(f: IncomingFile): Promise<void> {
    await f.fh?.close();
    f.fh = undefined;
    if (f.tmp) {
      rmSync(f.tmp, { force: true });
      this.temps.delete(f.tmp);
      f.tmp = undefined;
    }
    await f.basis?.close();
    f.basis = undefined;
  }

  private complete(f: IncomingFile): void {
    releaseFileHasher(f.hasher);
    f.hasher = undefined;
    this.files.delete(f.id);
    this.releaseSlot(f);
    this.unfinished -= 1;
    this.checkAllDone();
  }

  private checkAllDone(): void {
    if (this.listEnded && this.unfinished === 0) this.settle?.resolve();
  }

  /** The bits a file or folder gets here: the source's, without setuid and friends, minus the umask. */
  private modeOf(sourceMode: number): number {
    return safeMode(sourceMode) & ~this.umask;
  }

  // ---- the end -------------------------------------------------------------------------

  /** The last commit, then deletions, then directory attributes, then the staging rename. */
  private async finalize(): Promise<void> {
    await this.commit();
    if (this.fatal) throw this.fatal;
    if ((this.opts.deleteExtraneous ?? true) && !this.staged) this.deleteExtraneous();
    const depth = (p: string): number => p.split('/').length;
    const dirs = this.dirIds.map((id) => this.entries[id] as FileEntry).sort((a, b) => depth(b.path) - depth(a.path));
    for (const d of dirs) setDirAttrs(this.abs(d.path), { mode: this.modeOf(d.mode), mtimeMs: d.mtimeMs });
    if (this.root) setDirAttrs(this.workRoot, { mode: this.modeOf(this.root.mode), mtimeMs: this.root.mtimeMs });
    if (this.staged) {
      if (existsSync(this.dest)) {
        throw new HappierError('CONFLICT', `${this.dest} appeared while the tree was being staged`, { hint: 'Choose another target path, or remove it and sync again.' });
      }
      if (this.opts.fsync ?? true) await this.flush(this.unflushed);
      renameSync(this.workRoot, this.dest);
      await fsyncDir(dirname(this.dest));
    }
  }

  /** syncfs of the destination's file system; where that is missing, an fsync of each file, many at once. */
  private async flush(files: readonly string[]): Promise<void> {
    if (files.length === 0) return;
    if (process.platform === 'linux') {
      try {
        await execFileAsync('sync', ['-f', this.workRoot], { timeout: 120_000 });
        return;
      } catch {
        // No coreutils sync with -f: fall back to fsyncing every file.
      }
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < files.length) {
          let fh: FileHandle;
          try {
            fh = await open(files[next++] as string, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
          } catch {
            continue; // discarded after a failed verification
          }
          try {
            await fh.datasync();
          } finally {
            await fh.close();
          }
        }
      }),
    );
  }

  /**
   * Deletes what the destination has and the source does not, inside the synced scope only.
   * Runs last, so an interrupted sync never deleted anything.
   */
  private deleteExtraneous(): void {
    const rules = this.rules;
    for (const [dirRel, names] of this.destListings) {
      if (dirRel !== '' && this.entries[this.seen.get(dirRel) ?? -1]?.type !== 'dir') continue;
      for (const [name, isDir] of names) {
        const rel = dirRel ? `${dirRel}/${name}` : name;
        if (this.seen.has(rel) || rules?.outOfScope(rel, isDir)) continue;
        this.deletePath(rel, isDir);
      }
    }
  }

  private deletePath(rel: string, isDir: boolean): void {
    const abs = this.abs(rel);
    try {
      if (isDir) {
        for (const d of readdirSync(abs, { withFileTypes: true })) {
          const child = `${rel}/${d.name}`;
          if (!this.rules?.outOfScope(child, d.isDirectory())) this.deletePath(child, d.isDirectory());
        }
        rmdirSync(abs);
      } else {
        unlinkSync(abs);
      }
      this.stats.filesDeleted += 1;
    } catch (err) {
      // A directory that still holds ignored files stays, with them.
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** Requested whole and small enough for the sender to batch (the sender applies the same limit). */
function isSmallWhole(f: IncomingFile): boolean {
  return f.basisSize === 0 && f.entry.size <= SMALL_FILE_BYTES;
}

/** Makes a rename inside `dir` durable; not every platform can open a directory for this. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, fsConstants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Windows cannot fsync a directory handle; its renames are journaled by NTFS.
  }
}

function setDirAttrs(abs: string, attrs: { mode: number; mtimeMs: number }): void {
  chmodSync(abs, attrs.mode);
  utimesSync(abs, toSeconds(attrs.mtimeMs), toSeconds(attrs.mtimeMs));
}

/**
 * Seconds for utimes, nudged half a microsecond up: the kernel truncates, and ms/1000 as a
 * double can land just below the millisecond, which would read back one millisecond early.
 */
function toSeconds(ms: number): number {
  return ms / 1000 + 5e-7;
}

function num(v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) throw protocolError('a number in the list is out of range');
  return v;
}

function time(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw protocolError('a time in the list is out of range');
  return v;
}

function checkSpec(spec: unknown): IgnoreSpec & { prefix?: string; ignoreCase?: boolean } {
  const s = spec as Partial<IgnoreSpec> & { prefix?: unknown; ignoreCase?: unknown };
  const ok =
    typeof s === 'object' && s !== null &&
    Array.isArray(s.layers) && s.layers.every((l) => typeof l?.base === 'string' && typeof l.patterns === 'string') &&
    Array.isArray(s.include) && s.include.every((g) => typeof g === 'string') &&
    typeof s.enabled === 'boolean' &&
    (s.prefix === undefined || typeof s.prefix === 'string') &&
    (s.ignoreCase === undefined || typeof s.ignoreCase === 'boolean');
  if (!ok) throw protocolError('malformed ignore rules');
  return s as IgnoreSpec & { prefix?: string; ignoreCase?: boolean };
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw protocolError('a list message is not JSON');
  }
}
