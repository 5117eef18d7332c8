/**
 * Where `happier send` runs: here for a session this machine owns; on the owner over ssh
 * when a target is known; else through the sync server to the owner's daemon. No route
 * means the owner cannot be reached from here, which is an error, never a local fallback.
 */
export type SendRoute = 'local' | 'ssh' | 'relay' | 'none';

export interface RouteFacts {
  readonly ownedHere: boolean;
  readonly ownerSshTarget: string | null;
  readonly serverConnected: boolean;
}

export function sendRoute(f: RouteFacts): SendRoute {
  if (f.ownedHere) return 'local';
  if (f.ownerSshTarget) return 'ssh';
  return f.serverConnected ? 'relay' : 'none';
}

/** After ssh to the owner failed to connect, the server may still reach its daemon. */
export function fallbackAfterSsh(f: RouteFacts): SendRoute {
  return f.serverConnected ? 'relay' : 'none';
}
