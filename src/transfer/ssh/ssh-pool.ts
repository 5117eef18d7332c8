import { connectSsh, type ConnectOptions, type SshConnection, type SshEnv } from './ssh-connection.js';

/**
 * One connection per peer for the life of a command: every channel (agent, exec, upload)
 * to that peer rides on it. A connection that drops is forgotten, so the next ask redials.
 */
export class SshPool {
  private readonly conns = new Map<string, Promise<SshConnection>>();

  constructor(private readonly env: SshEnv) {}

  get(key: string, opts: ConnectOptions): Promise<SshConnection> {
    let p = this.conns.get(key);
    if (!p) {
      p = connectSsh(opts, this.env);
      this.conns.set(key, p);
      p.then(
        (c) => void c.closed.then(() => this.conns.get(key) === p && this.conns.delete(key)),
        () => this.conns.get(key) === p && this.conns.delete(key),
      );
    }
    return p;
  }

  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }
}
