import { HappierError } from '../../domain/errors.js';
import type { Session } from '../../domain/session.js';
import type { Registry } from '../../store/registry.js';
import { SessionsRepo } from '../../store/sessions-repo.js';
import { ownershipVerdict } from '../ownership-rules.js';
import type { PresenceEntry } from '../presence-hub.js';
import { readAccountKey, readConnection, type ServerConnection } from './connection-store.js';
import { ServerHttp, serverTimeoutMs } from './server-http.js';
import type { InputAvailability } from '../../domain/message-send.js';
import { openInput, openSession, sealSession, type WireRecord } from './session-sealing.js';

export type Env = Readonly<Record<string, string | undefined>>;
export type { PresenceEntry };

/** A session another machine of the account published, opened with the account key. */
export interface RemoteSession {
  readonly session: Session;
  readonly ownerMachineId: string;
  readonly ownerEpoch: number;
  /** Whether the session takes a message, as its owner's daemon last published it; null when unknown. */
  readonly ownerInput: InputAvailability | null;
}

/** The owner's input state for each session it publishes (the daemon knows it; `server sync` does not ask tmux). */
export type InputOf = (s: Session) => InputAvailability | undefined;

export interface OwnerChange {
  readonly sessionId: string;
  readonly ownerMachineId: string;
  readonly ownerEpoch: number;
}

export interface SyncReport {
  readonly published: number;
  /** Sessions this machine thought it owned, now owned elsewhere; the local records were updated. */
  readonly lost: readonly OwnerChange[];
  readonly records: readonly RemoteSession[];
  /** Records that did not open with the account key (another account's writer, or tampering). */
  readonly unreadable: number;
}

export type OwnershipCheck =
  | { readonly checked: true; readonly verdict: 'still-owner' | 'unknown' }
  | { readonly checked: false; readonly reason: 'not-connected' | 'server-unavailable' };

/** How long `assertStillOwner` waits before letting local work go on without an answer. */
const OWNERSHIP_CHECK_TIMEOUT_MS = 1_500;

/**
 * The client of the sync server for one machine: presence, the encrypted session view,
 * fenced ownership. Built from the connection in the registry and the key in HAPPIER_HOME.
 */
export class SyncClient {
  readonly http: ServerHttp;
  private readonly sessions: SessionsRepo;

  constructor(
    readonly registry: Registry,
    readonly connection: ServerConnection,
    readonly accountKey: Buffer,
    readonly env: Env,
  ) {
    this.http = new ServerHttp(connection.url, connection.machineToken, serverTimeoutMs(env));
    this.sessions = new SessionsRepo(registry);
  }

  /** The client, or undefined when this machine never joined a server. Makes no network call. */
  static tryOpen(registry: Registry, env: Env): SyncClient | undefined {
    const connection = readConnection(registry);
    if (!connection) return undefined;
    const key = readAccountKey(registry.home);
    if (!key) {
      throw new HappierError('NOT_CONNECTED', `the account key is missing from ${registry.home}`, {
        hint: 'run `happier server disconnect`, then join again with a link code from another machine',
      });
    }
    return new SyncClient(registry, connection, key, env);
  }

  static open(registry: Registry, env: Env): SyncClient {
    const client = SyncClient.tryOpen(registry, env);
    if (!client) throw notConnected();
    return client;
  }

  get machineId(): string {
    return this.registry.machineId;
  }

  heartbeat(describe: { name?: string; sshTarget?: string } = {}): Promise<{ at: string }> {
    return this.http.post('/v1/heartbeat', describe);
  }

  /** Every machine of the account with online/offline, as the server last heard from it. */
  async presence(): Promise<PresenceEntry[]> {
    return (await this.http.get<{ machines: PresenceEntry[] }>('/v1/presence')).machines;
  }

  /** The account's session records, opened; records that fail to open are counted, not returned. */
  async records(): Promise<{ records: RemoteSession[]; unreadable: number }> {
    const { records } = await this.http.get<{ records: WireRecord[] }>('/v1/sessions');
    const out: RemoteSession[] = [];
    let unreadable = 0;
    for (const r of records) {
      try {
        out.push({ session: openSession(this.accountKey, r), ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch, ownerInput: openInput(this.accountKey, r) });
      } catch {
        unreadable++;
      }
    }
    return { records: out, unreadable };
  }

  /** Publishes the given sessions this machine owns; returns the ones the server says moved away. */
  async publish(sessions: readonly Session[], inputOf: InputOf = () => undefined): Promise<{ published: number; stale: OwnerChange[] }> {
    const own = sessions.filter((s) => s.ownerMachineId === this.machineId);
    let published = 0;
    const stale: OwnerChange[] = [];
    for (let i = 0; i < own.length; i += 200) {
      const batch = own.slice(i, i + 200).map((s) => sealSession(this.accountKey, s, s.ownerMachineId, s.ownerEpoch, inputOf(s)));
      const { results } = await this.http.post<{ results: (OwnerChange & { status: 'ok' | 'stale' })[] }>('/v1/sessions', {
        records: batch,
      });
      for (const r of results) {
        if (r.status === 'ok') published++;
        else stale.push({ sessionId: r.sessionId, ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch });
      }
    }
    return { published, stale };
  }

  /**
   * Two-way reconciliation: learn which sessions this machine lost (and record the new
   * owner locally, so resume refuses them), then publish the rest of what it owns.
   */
  async sync(inputOf?: InputOf): Promise<SyncReport> {
    const { records, unreadable } = await this.records();
    const byId = new Map(records.map((r) => [r.session.id, r]));
    const lost: OwnerChange[] = [];
    const keep: Session[] = [];
    for (const s of this.sessions.list({ archived: 'all' })) {
      const remote = byId.get(s.id);
      if (remote && remote.ownerEpoch > s.ownerEpoch) {
        // Either we lost it, or we handed it off and missed the commit's answer.
        if (s.ownerMachineId !== remote.ownerMachineId || s.ownerEpoch !== remote.ownerEpoch) {
          this.adopt(s.id, remote.ownerMachineId, remote.ownerEpoch);
          if (s.ownerMachineId === this.machineId && remote.ownerMachineId !== this.machineId) lost.push(change(remote));
        }
        continue;
      }
      if (s.ownerMachineId !== this.machineId) continue;
      if (remote && ownershipVerdict(this.machineId, s.ownerEpoch, remote) === 'lost') {
        this.adopt(s.id, remote.ownerMachineId, remote.ownerEpoch);
        lost.push(change(remote));
        continue;
      }
      const inputChanged = inputOf !== undefined && !sameInput(remote?.ownerInput ?? null, inputOf(s) ?? null);
      if (!remote || inputChanged || remote.session.updatedAt !== s.updatedAt || remote.session.title !== s.title || remote.session.archived !== s.archived) {
        keep.push(s);
      }
    }
    const { published, stale } = await this.publish(keep, inputOf);
    for (const c of stale) {
      const local = this.sessions.get(c.sessionId);
      // A server behind this machine (a handoff target before the source committed) is not a loss.
      if (local && c.ownerEpoch < local.ownerEpoch) continue;
      this.adopt(c.sessionId, c.ownerMachineId, c.ownerEpoch);
      lost.push(c);
    }
    return { published, lost, records: (await this.records()).records, unreadable };
  }

  /**
   * The handoff commit: moves the session to `newOwnerMachineId` only if the server's
   * epoch is still `expectedEpoch`, making it `expectedEpoch + 1`. On success the local
   * record (if any) follows. A stale epoch fails with CONFLICT and the local record is
   * updated to the real owner, so this machine stops acting as one.
   */
  async casOwner(sessionId: string, expectedEpoch: number, newOwnerMachineId: string): Promise<OwnerChange & { updatedAt: string }> {
    const local = this.sessions.get(sessionId);
    let content = local;
    if (!content) {
      const { records } = await this.records();
      content = records.find((r) => r.session.id === sessionId)?.session;
      if (!content) throw new HappierError('NOT_FOUND', `no session ${sessionId} here or on the server`);
    }
    const body = () => ({
      expectedEpoch,
      newOwnerMachineId,
      ciphertext: sealSession(this.accountKey, content!, newOwnerMachineId, expectedEpoch + 1).ciphertext,
    });
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}/owner`;
    let result: OwnerChange & { updatedAt: string };
    try {
      result = await this.http.post(path, body());
    } catch (err) {
      const missing = err instanceof HappierError && err.code === 'NOT_FOUND';
      const canSeed = local && local.ownerMachineId === this.machineId && local.ownerEpoch === expectedEpoch;
      if (missing && canSeed) {
        // The server never saw this session; publishing it at the expected epoch makes the swap well defined.
        await this.publish([local]);
        result = await this.http.post<OwnerChange & { updatedAt: string }>(path, body()).catch((e: unknown) => this.onCasConflict(sessionId, e));
      } else {
        result = this.onCasConflict(sessionId, err);
      }
    }
    if (local) this.adopt(sessionId, result.ownerMachineId, result.ownerEpoch);
    return result;
  }

  /**
   * For `happier resume` and handoff preflight: throws NOT_OWNER when the server says
   * another machine holds the session at a newer epoch (and records that locally). It
   * never blocks for long and never fails just because the server is away.
   */
  async assertStillOwner(sessionId: string, epoch: number): Promise<OwnershipCheck> {
    let record: WireRecord;
    try {
      record = await this.http.get<WireRecord>(`/v1/sessions/${encodeURIComponent(sessionId)}`, Math.min(OWNERSHIP_CHECK_TIMEOUT_MS, serverTimeoutMs(this.env)));
    } catch (err) {
      if (err instanceof HappierError && err.code === 'NOT_FOUND') return { checked: true, verdict: 'unknown' };
      if (err instanceof HappierError && err.code === 'SERVER_UNAVAILABLE') return { checked: false, reason: 'server-unavailable' };
      throw err;
    }
    const verdict = ownershipVerdict(this.machineId, epoch, record);
    if (verdict !== 'lost') return { checked: true, verdict };
    this.adopt(sessionId, record.ownerMachineId, record.ownerEpoch);
    throw notOwner(sessionId, record);
  }

  async disconnect(): Promise<void> {
    await this.http.delete('/v1/machines/self');
  }

  private onCasConflict(sessionId: string, err: unknown): never {
    if (err instanceof HappierError && err.code === 'CONFLICT') {
      const owner = err.details.currentOwnerMachineId;
      const epoch = err.details.currentEpoch;
      const local = this.sessions.get(sessionId);
      if (typeof owner === 'string' && typeof epoch === 'number' && local && epoch > local.ownerEpoch) {
        this.adopt(sessionId, owner, epoch);
      }
    }
    throw err;
  }

  /** Records who owns a session now, never moving the epoch backwards. */
  private adopt(sessionId: string, ownerMachineId: string, ownerEpoch: number): void {
    if (!this.sessions.get(sessionId)) return;
    this.sessions.update(sessionId, (s) =>
      s.ownerEpoch > ownerEpoch ? s : { ...s, ownerMachineId, ownerEpoch },
    );
  }
}

function sameInput(a: InputAvailability | null, b: InputAvailability | null): boolean {
  return a?.state === b?.state && a?.reason === b?.reason;
}

function change(r: RemoteSession): OwnerChange {
  return { sessionId: r.session.id, ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch };
}

export function notConnected(): HappierError {
  return new HappierError('NOT_CONNECTED', 'this machine is not connected to a sync server', {
    hint: 'run `happier server connect <url>` (or with `--link <code>` to join an existing account)',
  });
}

export function notOwner(sessionId: string, r: { ownerMachineId: string; ownerEpoch: number }): HappierError {
  return new HappierError('NOT_OWNER', `session ${sessionId} is now owned by machine ${r.ownerMachineId} (epoch ${r.ownerEpoch})`, {
    hint: 'it was handed off; attach to it there, or hand it back with `happier handoff`',
    details: { ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch },
  });
}
