import { HappierError } from '../../domain/errors.js';
import type { Registry } from '../../store/registry.js';
import { SyncClient, type Env, type OwnershipCheck, type PresenceEntry } from './sync-client.js';

/**
 * What other commands ask the sync server on their way, each bounded by a short timeout
 * and harmless without a server: they return "don't know" rather than fail.
 */

/**
 * For the lifecycle code before `happier resume` (and handoff preflight): throws NOT_OWNER
 * when the server knows another machine took the session; returns quickly otherwise,
 * including when this machine has no server or the server is down.
 */
export async function assertStillOwner(registry: Registry, env: Env, sessionId: string, epoch: number): Promise<OwnershipCheck> {
  let client: SyncClient | undefined;
  try {
    client = SyncClient.tryOpen(registry, env);
  } catch {
    return { checked: false, reason: 'not-connected' };
  }
  if (!client) return { checked: false, reason: 'not-connected' };
  return client.assertStillOwner(sessionId, epoch);
}

/** Presence by machine id for `machine list` and preflight; null when there is no server or it is down. */
export async function machinePresence(registry: Registry, env: Env): Promise<Map<string, PresenceEntry> | null> {
  try {
    const client = SyncClient.tryOpen(registry, env);
    if (!client) return null;
    return new Map((await client.presence()).map((p) => [p.machineId, p]));
  } catch (err) {
    if (err instanceof HappierError) return null;
    throw err;
  }
}
