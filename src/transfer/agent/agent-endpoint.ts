/**
 * One end of the agent protocol, the same code on both machines: request/response RPCs
 * and many concurrent message streams over one byte pipe (an SSH exec channel here,
 * stdin/stdout there).
 *
 * Flow control is per stream and credit based: a sender may have at most `window` bytes
 * unread by the other side's consumer, so one big file stream can neither starve the
 * others nor pile up in memory. The receiver returns credit as its consumer reads.
 */
import type { Readable, Writable } from 'node:stream';
import { ERROR_CODES, HappierError, type ErrorCode } from '../../domain/errors.js';
import { encodeFrame, encodeFrameHead, FrameDecoder, FrameType, type Frame } from './frame-codec.js';
import { decodeMessage, encodeMessage } from './message-codec.js';

export interface Message {
  readonly header: unknown;
  readonly body: Buffer | undefined;
}

export interface HandlerContext {
  readonly endpoint: AgentEndpoint;
  /** The request's binary body, if any. */
  readonly body: Buffer | undefined;
}

/** A handler that answers with bytes as well as JSON returns `new RpcReply(result, body)`. */
export class RpcReply {
  constructor(
    readonly result: unknown,
    readonly body?: Buffer,
  ) {}
}

export type RpcHandler = (params: any, ctx: HandlerContext) => unknown | Promise<unknown>;
/** Runs for the life of a stream; its return value reaches the opener as `stream.result`. */
export type StreamHandler = (stream: AgentStream, params: any, ctx: HandlerContext) => Promise<unknown>;

/** The table of what a peer can be asked to do. Feature code adds entries; nothing else changes. */
export class HandlerRegistry {
  private readonly rpcs = new Map<string, RpcHandler>();
  private readonly streams = new Map<string, StreamHandler>();

  rpc(name: string, fn: RpcHandler): this {
    this.rpcs.set(name, fn);
    return this;
  }

  stream(name: string, fn: StreamHandler): this {
    this.streams.set(name, fn);
    return this;
  }

  rpcHandler(name: string): RpcHandler | undefined {
    return this.rpcs.get(name);
  }

  streamHandler(name: string): StreamHandler | undefined {
    return this.streams.get(name);
  }

  names(): { rpcs: string[]; streams: string[] } {
    return { rpcs: [...this.rpcs.keys()].sort(), streams: [...this.streams.keys()].sort() };
  }
}

export const DEFAULT_WINDOW = 16 * 1024 * 1024;
/** Queued small frames are written together once they reach this size (or at the end of the turn). */
const COALESCE_BYTES = 128 * 1024;
/** Bodies at least this big are written as they are rather than copied into a frame. */
const LARGE_BODY = 64 * 1024;

export interface WireError {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof HappierError) {
    return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}), details: { ...err.details } };
  }
  return { code: 'INTERNAL', message: `the peer failed: ${(err as Error)?.message ?? String(err)}` };
}

export function fromWireError(w: unknown): HappierError {
  const e = (w ?? {}) as Partial<WireError>;
  const code = (ERROR_CODES as readonly string[]).includes(e.code ?? '') ? (e.code as ErrorCode) : 'PROTOCOL';
  return new HappierError(code, String(e.message ?? 'the peer reported an error'), {
    ...(e.hint ? { hint: e.hint } : {}),
    details: { ...(e.details ?? {}), remote: true },
  });
}

export class AgentStream {
  private readonly queue: { m: Message; size: number }[] = [];
  private readonly readers: { resolve: (m: Message | null) => void; reject: (e: Error) => void }[] = [];
  private creditWaiters: (() => void)[] = [];
  private sendCredit: number;
  private unreturned = 0;
  private remoteEnded = false;
  private localEnded = false;
  private failure: HappierError | undefined;
  private settleResult!: { resolve: (v: unknown) => void; reject: (e: Error) => void };
  /** What the other side's handler returned, once the stream is over. */
  readonly result: Promise<unknown>;

  constructor(
    private readonly endpoint: AgentEndpoint,
    readonly id: number,
    readonly method: string,
    private readonly window: number,
  ) {
    this.sendCredit = window;
    this.result = new Promise((resolve, reject) => (this.settleResult = { resolve, reject }));
    this.result.catch(() => undefined);
  }

  /** Sends one message; waits while the peer's window for this stream is used up. */
  async send(header: unknown, body?: Buffer): Promise<void> {
    while (this.sendCredit <= 0 && !this.failure) await new Promise<void>((r) => this.creditWaiters.push(r));
    if (this.failure) throw this.failure;
    if (this.localEnded) throw new HappierError('PROTOCOL', `stream ${this.method} was already ended`);
    if (body && body.length >= LARGE_BODY) {
      const head = encodeFrameHead(FrameType.DATA, this.id, header, body.length);
      this.sendCredit -= head.length + body.length;
      await this.endpoint.writeBulk(head, body);
    } else {
      const frame = encodeFrame(FrameType.DATA, this.id, header, body);
      this.sendCredit -= frame.length;
      await this.endpoint.writeBulk(frame);
    }
  }

  /** A plain object that may hold Buffers (see message-codec). */
  sendObject(msg: unknown): Promise<void> {
    const { header, body } = encodeMessage(msg);
    return this.send(header, body);
  }

  /** The next message, or null once the peer ended the stream. */
  receive(): Promise<Message | null> {
    const q = this.queue.shift();
    if (q) {
      this.consumed(q.size);
      return Promise.resolve(q.m);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.remoteEnded) return Promise.resolve(null);
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  async receiveObject(): Promise<unknown | null> {
    const m = await this.receive();
    return m === null ? null : decodeMessage(m.header, m.body);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (let m = await this.receive(); m; m = await this.receive()) yield m;
  }

  /** Half-closes: no more messages from this side. `result` travels to the opener. */
  end(result?: unknown): void {
    if (this.localEnded || this.failure) return;
    this.localEnded = true;
    this.endpoint.writeControl(encodeFrame(FrameType.END, this.id, result === undefined ? undefined : { result }));
    this.maybeDone();
  }

  /** Tears the stream down on both sides with an error. */
  abort(err: unknown): void {
    if (this.failure) return;
    const wire = toWireError(err);
    this.endpoint.writeControl(encodeFrame(FrameType.RESET, this.id, wire));
    this.fail(err instanceof HappierError ? err : fromWireError(wire));
  }

  get done(): boolean {
    return (this.localEnded && this.remoteEnded) || !!this.failure;
  }

  /** @internal */
  onData(m: Message, size: number): void {
    if (this.failure || this.remoteEnded) return;
    const r = this.readers.shift();
    if (r) {
      this.consumed(size);
      r.resolve(m);
    } else {
      this.queue.push({ m, size });
    }
  }

  /** @internal */
  onCredit(bytes: number): void {
    this.sendCredit += bytes;
    const waiters = this.creditWaiters;
    this.creditWaiters = [];
    waiters.forEach((w) => w());
  }

  /** @internal */
  onEnd(header: unknown): void {
    this.remoteEnded = true;
    const result = (header as { result?: unknown } | undefined)?.result;
    this.settleResult.resolve(result);
    for (const r of this.readers.splice(0)) r.resolve(null);
    this.maybeDone();
  }

  /** @internal */
  fail(err: HappierError): void {
    if (this.failure) return;
    this.failure = err;
    this.settleResult.reject(err);
    for (const r of this.readers.splice(0)) r.reject(err);
    this.onCredit(0);
    this.endpoint.forget(this.id);
  }

  private consumed(size: number): void {
    this.unreturned += size;
    if (this.unreturned >= this.window / 4 && !this.remoteEnded && !this.failure) {
      this.endpoint.writeControl(encodeFrame(FrameType.CREDIT, this.id, { bytes: this.unreturned }));
      this.unreturned = 0;
    }
  }

  private maybeDone(): void {
    if (this.localEnded && this.remoteEnded) this.endpoint.forget(this.id);
  }
}

export interface EndpointOptions {
  readonly side: 'client' | 'server';
  readonly handlers?: HandlerRegistry;
  readonly window?: number;
}

export class AgentEndpoint {
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, { resolve: (r: { result: unknown; body: Buffer | undefined }) => void; reject: (e: Error) => void; method: string }>();
  private readonly streams = new Map<number, AgentStream>();
  private nextRequest = 1;
  private nextStream: number;
  private drained: Promise<void> | undefined;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private flushSoon: NodeJS.Immediate | undefined;
  private readonly running = new Set<Promise<void>>();
  private failure: HappierError | undefined;
  private helloWaiter!: { resolve: (h: unknown) => void; reject: (e: Error) => void };
  private settleClosed!: (err: HappierError | undefined) => void;
  /** The peer's HELLO header. */
  readonly peerHello: Promise<unknown>;
  /** Settles once the pipe is gone: undefined after a clean GOODBYE, else why. */
  readonly closed: Promise<HappierError | undefined>;
  private readonly window: number;

  constructor(
    private readonly output: Writable,
    private readonly opts: EndpointOptions,
  ) {
    this.window = opts.window ?? DEFAULT_WINDOW;
    this.nextStream = opts.side === 'client' ? 1 : 2;
    this.peerHello = new Promise((resolve, reject) => (this.helloWaiter = { resolve, reject }));
    this.peerHello.catch(() => undefined);
    this.closed = new Promise((r) => (this.settleClosed = r));
    output.on('error', (err: Error) => this.shutdown(lost(err.message)));
  }

  /** Starts reading frames from `input`; `prefix` is whatever was read past the banner. */
  attach(input: Readable, prefix?: Buffer): void {
    if (prefix?.length) this.feed(prefix);
    input.on('data', (chunk: Buffer) => this.feed(chunk));
    input.on('end', () => this.shutdown(lost('the peer closed the connection')));
    input.on('close', () => this.shutdown(lost('the connection to the peer closed')));
    input.on('error', (err: Error) => this.shutdown(lost(err.message)));
  }

  sendHello(info: unknown): void {
    this.writeControl(encodeFrame(FrameType.HELLO, 0, info));
  }

  /** Calls `method` on the peer and returns its result. */
  async call<T = unknown>(method: string, params?: unknown, body?: Buffer): Promise<T> {
    return (await this.callRaw(method, params, body)).result as T;
  }

  /** Like `call`, also returning the reply's binary body. */
  callRaw(method: string, params?: unknown, body?: Buffer): Promise<{ result: unknown; body: Buffer | undefined }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.writeControl(encodeFrame(FrameType.REQUEST, id, { method, params }, body));
    });
  }

  /** Opens a stream served by the peer's handler for `method`. */
  open(method: string, params?: unknown): AgentStream {
    if (this.failure) throw this.failure;
    const id = this.nextStream;
    this.nextStream += 2;
    const s = new AgentStream(this, id, method, this.window);
    this.streams.set(id, s);
    this.writeControl(encodeFrame(FrameType.OPEN, id, { method, params }));
    return s;
  }

  /**
   * Resolves once every handler still running has finished (they clean up after a lost
   * connection: temporary files, staging), or after `timeoutMs`.
   */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Says goodbye and ends the output; the peer then exits. */
  close(): void {
    if (this.failure) return;
    try {
      this.flush();
      this.output.write(encodeFrame(FrameType.GOODBYE, 0, undefined));
      this.output.end();
    } catch {
      // already gone
    }
    this.shutdown(undefined);
  }

  /** @internal A large `body` is written as its own buffer, right after the queued frames and its head. */
  async writeBulk(frame: Buffer, body?: Buffer): Promise<void> {
    while (this.drained) await this.drained;
    if (this.failure) throw this.failure;
    this.writeControl(frame);
    if (body) {
      this.flush();
      if (!this.failure) this.writeOut(body);
    }
  }

  /**
   * @internal Small frames written in one turn of the event loop leave as one write: over
   * SSH every write is its own encrypted packet and syscall, which dominated the cost of
   * syncing many small files. Large frames go straight out, after whatever is queued.
   */
  writeControl(frame: Buffer): void {
    if (this.failure) return;
    this.queued.push(frame);
    this.queuedBytes += frame.length;
    if (this.queuedBytes >= COALESCE_BYTES) this.flush();
    else this.flushSoon ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushSoon) clearImmediate(this.flushSoon);
    this.flushSoon = undefined;
    if (this.queued.length === 0 || this.failure) return;
    const out = this.queued.length === 1 ? this.queued[0]! : Buffer.concat(this.queued, this.queuedBytes);
    this.queued = [];
    this.queuedBytes = 0;
    this.writeOut(out);
  }

  private writeOut(out: Buffer): void {
    if (!this.output.write(out) && !this.drained) {
      this.drained = new Promise<void>((resolve) => {
        const done = () => {
          this.output.off('drain', done);
          this.output.off('close', done);
          this.drained = undefined;
          resolve();
        };
        this.output.on('drain', done);
        this.output.on('close', done);
      });
    }
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private feed(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.shutdown(err as HappierError);
      return;
    }
    for (const f of frames) this.dispatch(f);
  }

  private dispatch(f: Frame): void {
    switch (f.type) {
      case FrameType.HELLO:
        this.helloWaiter.resolve(f.header);
        return;
      case FrameType.REQUEST: {
        const running = this.serveRequest(f);
        this.running.add(running);
        void running.finally(() => this.running.delete(running));
        return;
      }
      case FrameType.RESPONSE:
      case FrameType.ERROR: {
        const p = this.pending.get(f.stream);
        if (!p) return;
        this.pending.delete(f.stream);
        if (f.type === FrameType.RESPONSE) p.resolve({ result: (f.header as { result?: unknown } | undefined)?.result, body: f.body });
        else p.reject(fromWireError(f.header));
        return;
      }
      case FrameType.OPEN:
        this.serveStream(f);
        return;
      case FrameType.DATA:
        this.streams.get(f.stream)?.onData({ header: f.header, body: f.body }, f.size);
        return;
      case FrameType.CREDIT:
        this.streams.get(f.stream)?.onCredit(Number((f.header as { bytes?: number } | undefined)?.bytes) || 0);
        return;
      case FrameType.END:
        this.streams.get(f.stream)?.onEnd(f.header);
        return;
      case FrameType.RESET:
        this.streams.get(f.stream)?.fail(fromWireError(f.header));
        return;
      case FrameType.GOODBYE:
        this.shutdown(undefined);
        return;
      default:
        this.shutdown(new HappierError('PROTOCOL', `the peer sent an unknown frame type ${f.type as number}`, { hint: 'update happier on both machines' }));
    }
  }

  private async serveRequest(f: Frame): Promise<void> {
    const { method, params } = (f.header ?? {}) as { method?: string; params?: unknown };
    const handler = method ? this.opts.handlers?.rpcHandler(method) : undefined;
    try {
      if (!handler) throw new HappierError('PROTOCOL', `the peer does not know the request ${String(method)}`, { hint: 'update happier on the peer' });
      const out = await handler(params, { endpoint: this, body: f.body });
      if (out instanceof RpcReply) this.writeControl(encodeFrame(FrameType.RESPONSE, f.stream, { result: out.result }, out.body));
      else this.writeControl(encodeFrame(FrameType.RESPONSE, f.stream, { result: out }));
    } catch (err) {
      this.writeControl(encodeFrame(FrameType.ERROR, f.stream, toWireError(err)));
    }
  }

  private serveStream(f: Frame): void {
    const { method, params } = (f.header ?? {}) as { method?: string; params?: unknown };
    const s = new AgentStream(this, f.stream, String(method), this.window);
    this.streams.set(f.stream, s);
    const handler = method ? this.opts.handlers?.streamHandler(method) : undefined;
    if (!handler) {
      s.abort(new HappierError('PROTOCOL', `the peer does not know the stream ${String(method)}`, { hint: 'update happier on the peer' }));
      return;
    }
    const running = handler(s, params, { endpoint: this, body: undefined }).then(
      (result) => s.end(result),
      (err) => s.abort(err),
    );
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
  }

  private shutdown(err: HappierError | undefined): void {
    if (this.failure) return;
    this.failure = err ?? new HappierError('TRANSFER_FAILED', 'the agent connection was closed', { hint: 'retry the command' });
    const f = this.failure;
    this.helloWaiter.reject(f);
    for (const p of this.pending.values()) p.reject(f);
    this.pending.clear();
    for (const s of [...this.streams.values()]) s.fail(f);
    this.settleClosed(err);
  }
}

function lost(reason: string): HappierError {
  return new HappierError('TRANSFER_FAILED', `lost the connection to the peer's agent: ${reason}`, {
    hint: 'check the network and retry; nothing half-written was left in place',
    details: { reason: 'connection-lost' },
  });
}
