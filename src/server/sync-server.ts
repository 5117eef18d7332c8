import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PresenceHub } from './presence-hub.js';
import { RateLimiter, type BucketConfig } from './rate-limiter.js';
import { openServerDb } from './server-db.js';
import { ServerStore } from './server-store.js';
import { SyncApi, type Caller } from './sync-api.js';
import { WireError } from './wire-validate.js';

export interface SyncServerOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly offlineAfterMs?: number;
  readonly claimLimit?: BucketConfig;
  readonly ipLimit?: BucketConfig;
  readonly now?: () => number;
}

export interface SyncServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes sockets with 1001, lets requests in flight finish, then closes the database. */
  close(): Promise<void>;
}

/** WebSocket close code sent to every client when the server shuts down. */
export const CLOSE_GOING_AWAY = 1001;
const BODY_LIMIT = 1024 * 1024;
const SMALL_BODY_LIMIT = 16 * 1024;
const WS_MESSAGE_LIMIT = 16 * 1024;
const SHUTDOWN_GRACE_MS = 5_000;

type Handler = (req: Request) => unknown;
interface Request {
  readonly body: unknown;
  readonly caller: Caller | undefined;
  readonly ip: string;
  readonly params: string[];
}
interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly auth: boolean;
  readonly bodyLimit: number;
  readonly handle: Handler;
}

export async function startSyncServer(opts: SyncServerOptions): Promise<SyncServer> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const db = openServerDb(opts.dataDir);
  const store = new ServerStore(db);
  let api: SyncApi;
  const hub = new PresenceHub(opts.offlineAfterMs ?? 30_000, now, (accountId) => {
    hub.push(accountId, { type: 'presence', ...api.presence(accountId) });
  });
  api = new SyncApi(
    store,
    hub,
    {
      perCaller: new RateLimiter(opts.claimLimit ?? { burst: 10, perMinute: 10 }, now),
      perIp: new RateLimiter(opts.ipLimit ?? { burst: 30, perMinute: 30 }, now),
    },
    now,
  );
  const caller = (r: Request) => r.caller!;
  const routes: Route[] = [
    route('GET', /^\/health$/, false, () => ({
      ok: true,
      version: opts.version,
      uptimeSec: Math.round((now() - startedAt) / 1000),
      memory: process.memoryUsage(),
      sockets: hub.connectionCount(),
    })),
    route('POST', /^\/v1\/accounts$/, false, (r) => api.createAccount(r.body, r.ip)),
    route('DELETE', /^\/v1\/machines\/self$/, true, (r) => api.disconnect(caller(r))),
    route('POST', /^\/v1\/heartbeat$/, true, (r) => api.heartbeat(caller(r), r.body)),
    route('GET', /^\/v1\/presence$/, true, (r) => api.presence(caller(r).machine.account_id)),
    route('POST', /^\/v1\/links$/, true, (r) => api.issueCode('link', caller(r), r.body)),
    route('POST', /^\/v1\/links\/claim$/, false, (r) => api.claimCode('link', undefined, r.body, r.ip)),
    route('GET', /^\/v1\/sessions$/, true, (r) => api.records(caller(r))),
    route('POST', /^\/v1\/sessions$/, true, (r) => api.publish(caller(r), r.body), BODY_LIMIT),
    route('GET', /^\/v1\/sessions\/([^/]+)$/, true, (r) => api.record(caller(r), r.params[0]!)),
    route('POST', /^\/v1\/sessions\/([^/]+)\/owner$/, true, (r) => api.casOwner(caller(r), r.params[0]!, r.body)),
    route('POST', /^\/v1\/pairings$/, true, (r) => api.issueCode('pair', caller(r), r.body)),
    route('GET', /^\/v1\/pairings$/, true, (r) => api.listCodes('pair', caller(r))),
    route('POST', /^\/v1\/pairings\/claim$/, true, (r) => api.claimCode('pair', caller(r), r.body, r.ip)),
    route('POST', /^\/v1\/pairings\/peek$/, true, (r) => api.claimCode('pair', caller(r), r.body, r.ip, 'peek')),
    route('POST', /^\/v1\/pairings\/revoke$/, true, (r) => api.revokeCode('pair', caller(r), r.body)),
    route('POST', /^\/v1\/relay$/, true, (r) => api.relayPost(caller(r), r.body), BODY_LIMIT),
    route('GET', /^\/v1\/relay\/inbox$/, true, (r) => api.relayInbox(caller(r))),
    route('GET', /^\/v1\/relay\/([^/]+)$/, true, (r) => api.relayGet(caller(r), r.params[0]!)),
    route('DELETE', /^\/v1\/relay\/([^/]+)$/, true, (r) => api.relayWithdraw(caller(r), r.params[0]!)),
    route('POST', /^\/v1\/relay\/([^/]+)\/take$/, true, (r) => api.relayTake(caller(r), r.params[0]!)),
    route('POST', /^\/v1\/relay\/([^/]+)\/result$/, true, (r) => api.relayResult(caller(r), r.params[0]!, r.body), BODY_LIMIT),
  ];

  let closing = false;
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => sendError(res, err, closing));
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matches = routes.filter((r) => r.pattern.test(url.pathname));
    if (matches.length === 0) throw new WireError(404, 'NOT_FOUND', `no route ${url.pathname}`);
    const r = matches.find((m) => m.method === req.method);
    if (!r) throw new WireError(405, 'USAGE', `${req.method} is not allowed on ${url.pathname}`);
    const ip = req.socket.remoteAddress ?? 'unknown';
    let who: Caller | undefined;
    if (r.auth) {
      const machine = api.authenticate(bearer(req));
      if (!machine) throw new WireError(401, 'NOT_CONNECTED', 'this machine is not registered with the server (unknown or revoked token)');
      who = { machine, ip };
      api.noteSeen(machine);
    }
    const body = req.method === 'POST' ? await readJson(req, r.bodyLimit) : undefined;
    const params = r.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    send(res, 200, r.handle({ body, caller: who, ip, params }), closing);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MESSAGE_LIMIT });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const machine = url.pathname === '/v1/ws' && !closing ? api.authenticate(bearer(req)) : undefined;
    if (!machine) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, { machine, ip: req.socket.remoteAddress ?? 'unknown' }));
  });

  function onSocket(ws: WebSocket, who: Caller): void {
    hub.add(who.machine.account_id, ws, who.machine.id);
    api.heartbeat(who, undefined);
    ws.send(JSON.stringify({ type: 'hello', machineId: who.machine.id, offlineAfterMs: hub.offlineAfterMs }));
    ws.on('message', (data) => {
      let msg: { type?: unknown; name?: unknown; sshTarget?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        ws.close(1003, 'messages are JSON');
        return;
      }
      if (msg.type !== 'heartbeat') return;
      try {
        // A deleted machine's socket may still be open; its token no longer counts.
        if (!store.machine(who.machine.id)) {
          ws.close(4001, 'not registered');
          return;
        }
        ws.send(JSON.stringify({ type: 'ack', ...api.heartbeat(who, { name: msg.name, sshTarget: msg.sshTarget }) }));
      } catch (err) {
        ws.send(JSON.stringify({ type: 'error', code: err instanceof WireError ? err.code : 'INTERNAL' }));
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  hub.start();
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closed ??= (async () => {
        closing = true;
        hub.stop();
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        hub.closeAll(CLOSE_GOING_AWAY, 'server shutting down');
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await drained;
        clearTimeout(grace);
        wss.close();
        db.close();
      })();
      return closed;
    },
  };
}

function route(method: string, pattern: RegExp, auth: boolean, handle: Handler, bodyLimit = SMALL_BODY_LIMIT * 4): Route {
  return { method, pattern, auth, handle, bodyLimit };
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new WireError(413, 'USAGE', `the request body is larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new WireError(413, 'USAGE', `the request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) return;
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new WireError(400, 'USAGE', 'the request body is not valid JSON'));
      }
    });
  });
}

/** During shutdown every answer closes its connection, so requests in flight finish and keep-alive ends. */
function send(res: ServerResponse, status: number, body: unknown, closing: boolean): void {
  const text = JSON.stringify(body);
  if (closing) res.setHeader('Connection', 'close');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown, closing: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof WireError) {
    if (err.code === 'RATE_LIMITED') res.setHeader('Retry-After', String(err.extra.retryAfterSec ?? 1));
    send(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, closing);
    return;
  }
  // Internal details stay in the server's log, not in a response.
  process.stderr.write(`happier server: ${(err as Error)?.stack ?? String(err)}\n`);
  send(res, 500, { error: { code: 'INTERNAL', message: 'the server failed to handle the request' } }, closing);
}
