import { HappierError } from '../domain/errors.js';
import type { SendRequest, SendResult } from '../domain/message-send.js';
import type { Session } from '../domain/session.js';
import type { SyncClient } from '../server/client/sync-client.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { SendDeps } from '../lifecycle/send-message.js';
import type { CliContext } from './context.js';
import { lifecycleDeps } from './lifecycle-wiring.js';

/** The real world for a send this machine delivers itself: the CLI's, the daemon's and the peer agent's. */
export async function localSendDeps(ctx: CliContext): Promise<SendDeps> {
  const [lifecycle, store, { SendsRepo }, { sendTimingFromEnv }] = await Promise.all([
    lifecycleDeps(ctx),
    ctx.store(),
    import('../store/sends-repo.js'),
    import('../lifecycle/send-message.js'),
  ]);
  return {
    lifecycle,
    sends: new SendsRepo(store.registry, () => ctx.io.now()),
    machineName: store.machines.self().name,
    timing: sendTimingFromEnv(ctx.io.env),
  };
}

/**
 * Delivers here when this machine owns the session, else takes the route to its owner:
 * ssh when a target is known, the sync server's relay when ssh is not possible or cannot
 * connect. The same send id goes every way, so a route tried twice delivers once.
 */
export async function deliverSend(ctx: CliContext, req: SendRequest): Promise<SendResult> {
  const [store, { SyncClient }, { sendRoute, fallbackAfterSsh }] = await Promise.all([
    ctx.store(),
    import('../server/client/sync-client.js'),
    import('../domain/send-route.js'),
  ]);
  const target = await resolveAnywhere(store.sessions, () => SyncClient.tryOpen(store.registry, ctx.io.env), req.session);
  const ownedHere = target.ownerMachineId === store.registry.machineId;
  const owner = ownedHere ? null : (store.machines.get(target.ownerMachineId) ?? null);
  const sync = ownedHere ? undefined : SyncClient.tryOpen(store.registry, ctx.io.env);
  const facts = { ownedHere, ownerSshTarget: owner?.sshTarget ?? null, serverConnected: !!sync };
  // The full id: a prefix unambiguous here may not be on the owner.
  const remote = { ...req, session: target.id };
  const relay = async () => (await import('../server/client/relay-client.js')).sendViaRelay(sync!, target.ownerMachineId, remote);
  switch (sendRoute(facts)) {
    case 'local': {
      const { sendMessage } = await import('../lifecycle/send-message.js');
      return sendMessage(await localSendDeps(ctx), req);
    }
    case 'ssh':
      try {
        const { sendOverSsh } = await import('./send-over-ssh.js');
        return await sendOverSsh(ctx, owner!, remote);
      } catch (err) {
        if (err instanceof HappierError && (err.code === 'MACHINE_OFFLINE' || err.code === 'HOST_UNRESOLVED') && fallbackAfterSsh(facts) === 'relay') return relay();
        throw err;
      }
    case 'relay':
      return relay();
    case 'none': {
      const { notOwner } = await import('../lifecycle/resume-checks.js');
      throw notOwner(target, owner ? { name: owner.name, sshTarget: null } : null, 'send');
    }
  }
}

/**
 * A session in this registry, or else one another machine of the account published: a
 * paired machine may never have had the session here, but its owner's daemon takes sends.
 */
async function resolveAnywhere(sessions: SessionsRepo, openSync: () => SyncClient | undefined, selector: string): Promise<Session> {
  try {
    return sessions.resolve(selector);
  } catch (err) {
    const sync = err instanceof HappierError && err.code === 'NOT_FOUND' ? openSync() : undefined;
    if (!sync) throw err;
    const { records } = await sync.records();
    const { selectSession } = await import('../domain/session-selector.js');
    return selectSession(records.map((r) => ({ ...r.session, ownerMachineId: r.ownerMachineId, ownerEpoch: r.ownerEpoch })), selector);
  }
}
