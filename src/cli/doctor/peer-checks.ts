import { fail, ok, warn, type Finding } from '../../domain/doctor-finding.js';
import { HappierError } from '../../domain/errors.js';
import type { CliContext } from '../context.js';
import { openPeers } from '../peer-access.js';
import { REGISTRY_FILE } from '../../store/registry.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const DOCTOR_PEER_TIMEOUT_MS = 5_000;

/** Doctor only looks: with no registry yet there are no machines and no server, and opening one would create it. */
const hasRegistry = (ctx: CliContext) => existsSync(join(ctx.home, REGISTRY_FILE));

/** Every configured peer, checked at once, with what to do about the ones that do not answer. */
export async function checkMachines(ctx: CliContext): Promise<Finding[]> {
  const store = hasRegistry(ctx) ? await ctx.store() : null;
  const peersToCheck = (store?.machines.list() ?? []).filter((m) => !m.isSelf && m.sshTarget);
  if (peersToCheck.length === 0) return [ok('machines', 'no other machines configured (`happier machine add <name> <ssh-target>`)')];
  const { probe } = await import('../commands/machine.js');
  const peers = await openPeers(ctx, store!.registry.machineId);
  try {
    const results = await Promise.all(peersToCheck.map((m) => probe(peers, m, DOCTOR_PEER_TIMEOUT_MS)));
    return results.map((r) =>
      r.status === 'online'
        ? ok(`machine ${r.name}`, `online, ${r.latencyMs} ms, happier ${r.version}, providers: ${r.providers.join(', ') || 'none'}`)
        : warn(`machine ${r.name}`, `${r.target} is offline: ${r.message ?? r.reason}`, r.error?.hint ?? `check it with \`happier machine ping ${r.name}\``),
    );
  } finally {
    await peers.closeAll();
  }
}

const NO_SERVER = ok('server', 'no sync server configured (optional)');

/** The sync server, when this machine is connected to one; without one there is nothing to check. */
export async function checkServer(ctx: CliContext): Promise<Finding> {
  if (!hasRegistry(ctx)) return NO_SERVER;
  const store = await ctx.store();
  const [{ readConnection }, { SyncClient }] = await Promise.all([
    import('../../server/client/connection-store.js'),
    import('../../server/client/sync-client.js'),
  ]);
  const connection = readConnection(store.registry);
  if (!connection) return NO_SERVER;
  try {
    const health = await SyncClient.open(store.registry, ctx.io.env).http.get<{ version: string }>('/health');
    return ok('server', `${connection.url} is up (happier ${health.version})`);
  } catch (err) {
    if (!(err instanceof HappierError)) throw err;
    return fail('server', `${connection.url}: ${err.message}`, err.hint ?? 'start it with `happier server start`, or `happier server disconnect` to work without it');
  }
}
