import type { WebSocket } from 'ws';

export interface PresenceEntry {
  readonly machineId: string;
  readonly name: string;
  readonly sshTarget: string | null;
  readonly online: boolean;
  readonly lastSeenAt: string;
}

/**
 * Who is connected and who went quiet. Online means a heartbeat (HTTP or WebSocket) came
 * within `offlineAfterMs`; the sweep notices machines going quiet and tells the rest of
 * their account over the open sockets.
 */
export class PresenceHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly machineOf = new WeakMap<WebSocket, string>();
  private readonly lastSeen = new Map<string, { accountId: string; at: number; online: boolean; persistedAt: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly offlineAfterMs: number,
    private readonly now: () => number,
    private readonly onChange: (accountId: string) => void,
  ) {}

  start(): void {
    const every = Math.min(5_000, Math.max(100, Math.floor(this.offlineAfterMs / 3)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  isOnline(lastSeenAt: number): boolean {
    return this.now() - lastSeenAt < this.offlineAfterMs;
  }

  /**
   * Records a heartbeat; returns whether it should also be written to the database. Writes
   * are spaced out because a commit per heartbeat is what limits a busy server, and the
   * stored time only needs to survive a restart to within a fraction of the offline window.
   */
  seen(machineId: string, accountId: string, at: number): boolean {
    const prev = this.lastSeen.get(machineId);
    const persist = !prev || at - prev.persistedAt >= this.offlineAfterMs / 4;
    this.lastSeen.set(machineId, { accountId, at, online: true, persistedAt: persist ? at : prev.persistedAt });
    if (!prev || !prev.online) this.onChange(accountId);
    return persist;
  }

  /** The latest heartbeat, from memory when it is newer than the stored one. */
  lastSeenAt(machineId: string, stored: number): number {
    return Math.max(stored, this.lastSeen.get(machineId)?.at ?? 0);
  }

  forget(machineId: string): void {
    this.lastSeen.delete(machineId);
  }

  add(accountId: string, ws: WebSocket, machineId: string): void {
    this.machineOf.set(ws, machineId);
    let set = this.sockets.get(accountId);
    if (!set) this.sockets.set(accountId, (set = new Set()));
    set.add(ws);
    ws.once('close', () => {
      set.delete(ws);
      if (set.size === 0) this.sockets.delete(accountId);
    });
  }

  push(accountId: string, message: unknown): void {
    const set = this.sockets.get(accountId);
    if (!set) return;
    const text = JSON.stringify(message);
    for (const ws of set) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  /** To one machine's sockets only: a relayed send concerns its target, not the whole account. */
  pushTo(accountId: string, machineId: string, message: unknown): void {
    const set = this.sockets.get(accountId);
    if (!set) return;
    const text = JSON.stringify(message);
    for (const ws of set) if (ws.readyState === ws.OPEN && this.machineOf.get(ws) === machineId) ws.send(text);
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  closeAll(code: number, reason: string): void {
    for (const set of this.sockets.values()) for (const ws of set) ws.close(code, reason);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sweep(): void {
    const t = this.now();
    const changed = new Set<string>();
    for (const entry of this.lastSeen.values()) {
      if (entry.online && t - entry.at >= this.offlineAfterMs) {
        entry.online = false;
        changed.add(entry.accountId);
      }
    }
    for (const accountId of changed) this.onChange(accountId);
  }
}
