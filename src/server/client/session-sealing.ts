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

export function sealSession(key: Uint8Array, s: Session, ownerMachineId: string, ownerEpoch: number): WireRecord {
  const fields: SealedFields = {
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
  const f = openJson<SealedFields>(key, r.ciphertext, sessionAssociatedData(r.sessionId, r.ownerMachineId, r.ownerEpoch));
  return { ...f, id: r.sessionId, ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch, terminal: null };
}
