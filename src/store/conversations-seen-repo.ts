import type { Agent } from '../domain/agent.js';
import type { Registry } from './registry.js';

/**
 * The vendor conversations this machine has once found on disk. A conversation that
 * got its first message never stops having one, so a list looks on disk only for the
 * sessions not in here yet, and a registry of thousands reads no provider file twice.
 */
export class ConversationsSeenRepo {
  constructor(
    private readonly reg: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  known(agent: Agent): Set<string> {
    const ids = this.reg.db
      .prepare('SELECT vendor_session_id FROM conversations_seen WHERE agent = ?')
      .pluck()
      .all(agent) as string[];
    return new Set(ids);
  }

  remember(agent: Agent, vendorSessionIds: Iterable<string>): void {
    const ids = [...vendorSessionIds];
    if (ids.length === 0) return;
    const at = this.now().toISOString();
    const insert = this.reg.db.prepare('INSERT OR IGNORE INTO conversations_seen (agent, vendor_session_id, seen_at) VALUES (?, ?, ?)');
    this.reg.write(() => {
      for (const id of ids) insert.run(agent, id, at);
    });
  }
}
