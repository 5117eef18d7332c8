import { HappierError } from '../domain/errors.js';
import { parseLookup } from '../domain/short-code.js';
import type { Session } from '../domain/session.js';
import { lookupHash } from '../server/code-keys.js';
import { claimCode, issueCode, type IssuedCode } from '../server/client/code-exchange.js';
import type { SyncClient } from '../server/client/sync-client.js';
import { openJson, sealJson } from '../server/e2e-envelope.js';
import type { CodeStatus } from '../server/code-rules.js';
import { isPairingTicket, type PairingNote, type PairingTicket } from './pairing-ticket.js';

const NOTE_AD = 'happier/pair/note/v1';

export interface IssueInput {
  readonly session: Session;
  readonly ttlSec: number;
  readonly ownerName: string;
  readonly selfName: string;
  /** How other devices reach the owner over SSH, when known. */
  readonly ownerSshTarget: string | null;
  readonly now: Date;
}

/**
 * Issues a device-handoff code for a session. The session is published first, so the
 * claimer's route matches what the server knows about its owner.
 */
export async function issuePairing(client: SyncClient, input: IssueInput): Promise<IssuedCode & { ticket: PairingTicket }> {
  const s = input.session;
  await client.publish([s]);
  const ticket: PairingTicket = {
    v: 1,
    session: { id: s.id, title: s.title, agent: s.agent },
    route: { ownerMachineId: s.ownerMachineId, ownerName: input.ownerName, sshTarget: input.ownerSshTarget },
    source: { machineId: client.machineId, name: input.selfName, issuedAt: input.now.toISOString() },
  };
  const note = (lookup: string) => sealJson(client.accountKey, { sessionId: s.id, title: s.title, lookup } satisfies PairingNote, NOTE_AD);
  // The note names the lookup group, which exists only once issueCode has drawn the code.
  const issued = await issueCode(client.http, 'pair', JSON.stringify(ticket), { ttlSec: input.ttlSec, noteFor: note });
  return { ...issued, ticket };
}

/** Claims the code, or with `peek` reads its ticket and leaves the code unused. */
export async function claimPairing(client: SyncClient, typed: string, opts: { peek?: boolean } = {}): Promise<PairingTicket> {
  const { payload } = await claimCode(client.http, 'pair', typed, {}, opts.peek ? 'peek' : 'claim');
  let ticket: unknown;
  try {
    ticket = JSON.parse(payload.toString('utf8'));
  } catch {
    ticket = undefined;
  }
  if (!isPairingTicket(ticket)) throw new HappierError('PROTOCOL', 'the pairing code carried an unreadable ticket');
  return ticket;
}

export async function revokePairing(client: SyncClient, typed: string): Promise<{ id: string; status: 'revoked' }> {
  return client.http.post('/v1/pairings/revoke', { lookupHash: lookupHash('pair', parseLookup(typed)) });
}

export interface PairingListing {
  readonly id: string;
  readonly status: CodeStatus;
  readonly lookup: string | null;
  readonly sessionId: string | null;
  readonly title: string | null;
  readonly issuerMachineId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly claimedAt: string | null;
  readonly claimedBy: string | null;
  readonly revokedAt: string | null;
}

export async function listPairings(client: SyncClient): Promise<PairingListing[]> {
  const { codes } = await client.http.get<{ codes: (Omit<PairingListing, 'lookup' | 'sessionId' | 'title'> & { note: string | null })[] }>(
    '/v1/pairings',
  );
  return codes.map(({ note, ...c }) => {
    let n: PairingNote | undefined;
    try {
      n = note ? openJson<PairingNote>(client.accountKey, note, NOTE_AD) : undefined;
    } catch {
      n = undefined;
    }
    return { ...c, lookup: n?.lookup ?? null, sessionId: n?.sessionId ?? null, title: n?.title ?? null };
  });
}
