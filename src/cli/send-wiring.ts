import type { SendRequest, SendResult } from '../domain/message-send.js';
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

/** Delivers here when this machine owns the session, else takes the route to its owner. */
export async function deliverSend(ctx: CliContext, req: SendRequest): Promise<SendResult> {
  const { sendMessage } = await import('../lifecycle/send-message.js');
  return sendMessage(await localSendDeps(ctx), req);
}
