import { hostname } from 'node:os';
import { HappierError } from '../../domain/errors.js';
import type { Registry } from '../../store/registry.js';
import { KEY_BYTES } from '../e2e-envelope.js';
import { claimCode, issueCode, type IssuedCode } from './code-exchange.js';
import {
  clearConnection,
  newAccountKey,
  readAccountKey,
  readConnection,
  removeAccountKey,
  saveConnection,
  writeAccountKey,
  type ServerConnection,
} from './connection-store.js';
import { ServerHttp, serverTimeoutMs } from './server-http.js';
import type { Env, SyncClient } from './sync-client.js';

export interface JoinOptions {
  /** Overrides this machine's name as other machines see it (the registry's own name by default). */
  readonly name?: string;
  /** How other machines reach this one over SSH, for pairing routes (`user@host`). */
  readonly sshTarget?: string;
  readonly link?: string;
}

export interface JoinResult {
  readonly connection: ServerConnection;
  readonly machineId: string;
  /** True when this machine created the account (and its key). */
  readonly created: boolean;
}

/** Registers this machine: as the first of a new account, or into an existing one with a link code. */
export async function joinServer(registry: Registry, env: Env, rawUrl: string, opts: JoinOptions): Promise<JoinResult> {
  const url = normaliseUrl(rawUrl);
  const existing = readConnection(registry);
  if (existing) {
    throw new HappierError('CONFLICT', `this machine is already connected to ${existing.url}`, {
      hint: 'run `happier server disconnect` first',
    });
  }
  const http = new ServerHttp(url, undefined, Math.max(serverTimeoutMs(env), 10_000));
  const machine = {
    machineId: registry.machineId,
    name: opts.name ?? selfName(registry),
    ...(opts.sshTarget ? { sshTarget: opts.sshTarget } : {}),
  };
  const now = new Date().toISOString();
  if (opts.link) {
    const { response, payload } = await claimCode<{ accountId: string; token: string; payload: string }>(http, 'link', opts.link, machine);
    if (payload.length !== KEY_BYTES) throw new HappierError('PROTOCOL', 'the link code carried a malformed account key');
    writeAccountKey(registry.home, payload);
    const connection = { url, machineToken: response.token, accountId: response.accountId, connectedAt: now };
    saveConnection(registry, connection);
    return { connection, machineId: registry.machineId, created: false };
  }
  if (readAccountKey(registry.home)) {
    throw new HappierError('CONFLICT', 'an account key already exists in this HAPPIER_HOME', {
      hint: 'join with `--link <code>`, or remove account.key if it belongs to nothing',
    });
  }
  const r = await http.post<{ accountId: string; token: string }>('/v1/accounts', machine);
  // The key is made here and never sent anywhere: the server only ever sees what it seals.
  writeAccountKey(registry.home, newAccountKey());
  const connection = { url, machineToken: r.token, accountId: r.accountId, connectedAt: now };
  saveConnection(registry, connection);
  return { connection, machineId: registry.machineId, created: true };
}

/** A single-use code another machine types into `happier server connect <url> --link <code>`. */
export function issueLinkCode(client: SyncClient): Promise<IssuedCode> {
  return issueCode(client.http, 'link', client.accountKey);
}

/**
 * Forgets the server here; tells the server when it can. The local sessions are
 * untouched: the registry stays the source of truth.
 */
export async function leaveServer(registry: Registry, client: SyncClient | undefined): Promise<{ serverNotified: boolean }> {
  let serverNotified = false;
  if (client) {
    try {
      await client.disconnect();
      serverNotified = true;
    } catch {
      // A server that is gone must not keep a machine attached to it.
    }
  }
  clearConnection(registry);
  removeAccountKey(registry.home);
  return { serverNotified };
}

function selfName(registry: Registry): string {
  const name = registry.db.prepare('SELECT name FROM machines WHERE id = ?').pluck().get(registry.machineId) as string | undefined;
  return (name ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63) || 'machine';
}

export function normaliseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new HappierError('USAGE', `'${raw}' is not a server URL`, { hint: 'give it as http://host:port, e.g. `happier server connect http://desk.lan:8787`' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HappierError('USAGE', `'${raw}' is not an http(s) URL`, { hint: 'give it as http://host:port, e.g. `happier server connect http://desk.lan:8787`' });
  }
  return u.origin;
}
