/**
 * `happier send`: the user's next message to a session, as a request that can travel to
 * the owning machine (over ssh, or relayed through the sync server) and a result that
 * travels back. Both are plain JSON so every route carries the same shape.
 */

/** Every send has an id; the owner remembers the ids it delivered, so a retry never delivers twice. */
export interface SendRequest {
  readonly sendId: string;
  /** A happier id, an unambiguous prefix of one, or a vendor id: resolved on the owner. */
  readonly session: string;
  readonly text: string;
  /** Mid-turn: paste anyway and let the provider queue it (true), or refuse with BUSY (false). */
  readonly queue: boolean;
  /** Wait for the provider's reply turn and return it. */
  readonly wait: boolean;
  /** How long `wait` waits for the reply, in milliseconds. */
  readonly timeoutMs: number;
}

/** A turn as a send returns it: the reply under `--wait`. */
export interface SentTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly at: string | null;
}

/**
 * How the message reached the provider:
 * - `pasted`: the session was running; the text went into its pane;
 * - `resumed`: the session was inactive; a strict resume started it detached, then the text went in;
 * - `duplicate`: this send id was delivered before; nothing was sent again.
 */
export type Delivery = 'pasted' | 'resumed' | 'duplicate';

export interface SendResult {
  readonly sendId: string;
  readonly sessionId: string;
  readonly vendorSessionId: string;
  readonly delivery: Delivery;
  /** The provider was mid-turn, so its own UI queued the message. */
  readonly queued: boolean;
  /** The machine that delivered it (the owner). */
  readonly machineName: string;
  /** The reply, when `wait` was asked; null otherwise. */
  readonly reply: SentTurn | null;
}

/** Why a session does or does not take input; `session list --json` prints it as `input`. */
export type InputReason =
  | 'running'
  | 'resumable'
  | 'archived'
  | `not-resumable:${string}`
  | 'owner-offline'
  /** Owned by another machine that is reachable (ssh or server); the owner decides on delivery. */
  | 'owner-elsewhere';

export interface InputAvailability {
  readonly state: 'enabled' | 'disabled';
  readonly reason: InputReason;
}
