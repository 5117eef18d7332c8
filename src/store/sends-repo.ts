import type { SendResult } from '../domain/message-send.js';
import type { Registry } from './registry.js';

/**
 * The send ids this machine took, so a retried send (a cut ssh line, a relay attempt
 * retried) is answered from here instead of typed into the provider twice. A row is
 * claimed before the text goes in: a crash in between makes a retry report the send as
 * taken rather than deliver it a second time.
 */
export interface SendRow {
  readonly sendId: string;
  readonly sessionId: string;
  readonly state: 'delivering' | 'delivered';
  /** What the first delivery returned; null while it is still under way. */
  readonly result: SendResult | null;
  readonly createdAt: string;
}

export class SendsRepo {
  constructor(
    private readonly reg: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(sendId: string): SendRow | undefined {
    const r = this.reg.db.prepare('SELECT * FROM sends WHERE send_id = ?').get(sendId) as
      | { send_id: string; session_id: string; state: string; result: string | null; created_at: string }
      | undefined;
    if (!r) return undefined;
    return {
      sendId: r.send_id,
      sessionId: r.session_id,
      state: r.state === 'delivered' ? 'delivered' : 'delivering',
      result: r.result ? (JSON.parse(r.result) as SendResult) : null,
      createdAt: r.created_at,
    };
  }

  /** Takes the id for this session; false when another send took it first (the insert is the lock). */
  claim(sendId: string, sessionId: string): boolean {
    const at = this.now().toISOString();
    const r = this.reg.db
      .prepare(`INSERT OR IGNORE INTO sends (send_id, session_id, state, result, created_at, updated_at) VALUES (?, ?, 'delivering', NULL, ?, ?)`)
      .run(sendId, sessionId, at, at);
    return r.changes === 1;
  }

  delivered(sendId: string, result: SendResult): void {
    this.reg.db
      .prepare(`UPDATE sends SET state = 'delivered', result = ?, updated_at = ? WHERE send_id = ?`)
      .run(JSON.stringify(result), this.now().toISOString(), sendId);
  }

  /** A delivery that failed before any text reached the provider gives its id back, so a retry may deliver. */
  release(sendId: string): void {
    this.reg.db.prepare(`DELETE FROM sends WHERE send_id = ? AND state = 'delivering'`).run(sendId);
  }
}
