import type { Registry } from '../../store/registry.js';
import { SyncClient, type Env, type OwnerChange } from './sync-client.js';

export type CommitResult =
  | ({ readonly fenced: true } & OwnerChange & { readonly updatedAt: string })
  /** No sync server is configured: ownership moves by the SSH handoff alone. */
  | { readonly fenced: false; readonly reason: 'not-connected' };

/**
 * Handoff step 7 with a server: the compare-and-swap on `ownerEpoch`. Without a server it
 * reports `fenced: false` and the coordinator commits locally as before. With one it
 * either moves ownership (and the local record follows) or throws:
 * - CONFLICT: another commit won; `details.currentOwnerMachineId/currentEpoch` say who;
 * - SERVER_UNAVAILABLE: the server did not answer, so nothing is known to have moved;
 *   the coordinator should roll back rather than commit unfenced;
 * - MACHINE_UNKNOWN: the target never joined this account (`happier server connect --link`).
 */
export async function commitOwnership(
  registry: Registry,
  env: Env,
  sessionId: string,
  expectedEpoch: number,
  newOwnerMachineId: string,
): Promise<CommitResult> {
  const client = SyncClient.tryOpen(registry, env);
  if (!client) return { fenced: false, reason: 'not-connected' };
  return { fenced: true, ...(await client.casOwner(sessionId, expectedEpoch, newOwnerMachineId)) };
}

/** For preflight: the target's presence on the server, or 'unknown' without one (then SSH reachability decides). */
export async function presenceOf(registry: Registry, env: Env, machineId: string): Promise<'online' | 'offline' | 'unknown'> {
  const { machinePresence } = await import('./quick-checks.js');
  const map = await machinePresence(registry, env);
  const p = map?.get(machineId);
  return p ? (p.online ? 'online' : 'offline') : 'unknown';
}
