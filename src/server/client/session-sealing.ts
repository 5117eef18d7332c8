import type { InputAvailability } from '../../domain/message-send.js';
import type { Session } from '../../domain/session.js';
import { openJson, sealJson, sessionAssociatedData } from '../e2e-envelope.js';

/** A session record as the server keeps it: routing fields in clear, everything else sealed. */
export interface WireRecord {
  readonly sessionId: string;
  readonly ownerMachineId: string;
  readonly ownerEpoch: number;
  readonly updatedAt: string;
  readonly ciphertext: string;
}

/** The part of a session that only machines of the account may read. */
type SealedFields = Pick<
  Session,
  'id' | 'agent' | 'backend' | 'vendorSessionId' | 'title' | 'cwd' | 'archived' | 'createdAt' | 'updatedAt' | 'lastActivityAt'
>;

/**
 * `input` is the owner's own view of whether the session takes a message (running,
 * resumable, …), published by its daemon; records from before it have none.
 */
export function sealSession(key: Uint8Array, s: Session, ownerMachineId: string, ownerEpoch: number, input?: InputAvailability): WireRecord {
  const fields: SealedFields & { input?: InputAvailability } = {
    id: s.id,
    agent: s.agent,
    backend: s.backend,
    vendorSessionId: s.vendorSessionId,
    title: s.title,
    cwd: s.cwd,
    archived: s.archived,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    lastActivityAt: s.lastActivityAt,
    ...(input ? { input } : {}),
  };
  return {
    sessionId: s.id,
    ownerMachineId,
    ownerEpoch,
    updatedAt: s.updatedAt,
    ciphertext: sealJson(key, fields, sessionAssociatedData(s.id, ownerMachineId, ownerEpoch)),
  };
}

/**
 * Opens a record and checks it is what its routing fields say: the associated data binds
 * the blob to (id, owner, epoch), so a record the server moved or replayed fails here.
 */
export function openSession(key: Uint8Array, r: WireRecord): Session {
  const { input: _input, ...f } = openRecord(key, r);
  return { ...f, id: r.sessionId, ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch, terminal: null };
}

/** The owner's published input state of a record, or null when it published none. */
export function openInput(key: Uint8Array, r: WireRecord): InputAvailability | null {
  return openRecord(key, r).input ?? null;
}

function openRecord(key: Uint8Array, r: WireRecord): SealedFields & { input?: InputAvailability } {
  return openJson<SealedFields & { input?: InputAvailability }>(key, r.ciphertext, sessionAssociatedData(r.sessionId, r.ownerMachineId, r.ownerEpoch));
}
