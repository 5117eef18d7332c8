/**
 * Tree sync between this machine and a peer, over one agent stream: push (this machine is
 * the source) or pull (the peer is). The engine is the same as for a local sync; only the
 * channel differs.
 *
 *   const peer = await peers.connect(address);
 *   const r = await pushTree(peer.agent.endpoint, '/src/project', '~/code/project', { send: { include: ['.env.local'] } });
 */
import { isFromPeer } from './tree-sync/sync-errors.js';
import { loadBlockHasher } from './tree-sync/strong-hash.js';
import { receiveTree, type ReceiveResult, type ReceiveTreeOptions } from './tree-sync/receiver.js';
import { sendTree, type SendResult, type SendTreeOptions } from './tree-sync/sender.js';
import type { AgentEndpoint, AgentStream } from './agent/agent-endpoint.js';
import { syncChannelOver } from './agent/agent-sync-channel.js';
import type { RemoteReceiveParams, RemoteSendParams } from './agent/handlers/tree-sync-handlers.js';

export interface RemoteSyncOptions {
  readonly send?: SendTreeOptions & RemoteSendParams['options'];
  readonly receive?: ReceiveTreeOptions & RemoteReceiveParams['options'];
}

export interface RemoteSyncResult {
  readonly sent: SendResult;
  readonly received: ReceiveResult;
  readonly durationMs: number;
}

/** Copies `localRoot` to `remoteDest` on the peer (absolute or `~/…`). */
export async function pushTree(agent: AgentEndpoint, localRoot: string, remoteDest: string, opts: RemoteSyncOptions = {}): Promise<RemoteSyncResult> {
  const started = performance.now();
  const params: RemoteReceiveParams = { dest: remoteDest, ...(opts.receive ? { options: plainReceive(opts.receive) } : {}) };
  const stream = agent.open('tree-sync.receive', params);
  const sending = sendTree(localRoot, syncChannelOver(stream), opts.send).catch(abortWith(stream));
  const [s, r] = await Promise.allSettled([sending, stream.result]);
  const sent = settle(s, r);
  return { sent, received: (r as PromiseFulfilledResult<ReceiveResult>).value, durationMs: performance.now() - started };
}

/** Copies `remoteRoot` on the peer to `localDest` here. */
export async function pullTree(agent: AgentEndpoint, remoteRoot: string, localDest: string, opts: RemoteSyncOptions = {}): Promise<RemoteSyncResult> {
  const started = performance.now();
  const params: RemoteSendParams = { root: remoteRoot, ...(opts.send ? { options: plainSend(opts.send) } : {}) };
  // Loaded before the stream opens, so the receiver's set-up never waits on it (see agent-sync-channel).
  await loadBlockHasher();
  const stream = agent.open('tree-sync.send', params);
  const receiving = receiveTree(localDest, syncChannelOver(stream), opts.receive).catch(abortWith(stream));
  const [r, s] = await Promise.allSettled([receiving, stream.result]);
  const received = settle(r, s);
  return { sent: (s as PromiseFulfilledResult<SendResult>).value, received, durationMs: performance.now() - started };
}

/** A local failure before the engine closed its channel must still end the peer's side. */
function abortWith(stream: AgentStream): (err: unknown) => never {
  return (err) => {
    stream.abort(err);
    throw err;
  };
}

/** The side that gave up first names the real problem; the other only saw its abort. */
function settle<T>(local: PromiseSettledResult<T>, remote: PromiseSettledResult<unknown>): T {
  if (local.status === 'rejected' && (remote.status === 'fulfilled' || !isFromPeer(local.reason))) throw local.reason;
  if (remote.status === 'rejected') throw remote.reason;
  if (local.status === 'rejected') throw local.reason;
  return local.value;
}

function plainReceive(o: ReceiveTreeOptions): RemoteReceiveParams['options'] {
  return {
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.deleteExtraneous !== undefined ? { deleteExtraneous: o.deleteExtraneous } : {}),
    ...(o.maxOutstanding !== undefined ? { maxOutstanding: o.maxOutstanding } : {}),
    ...(o.fsync !== undefined ? { fsync: o.fsync } : {}),
  };
}

function plainSend(o: SendTreeOptions): RemoteSendParams['options'] {
  return {
    ...(o.ignoreRules !== undefined ? { ignoreRules: o.ignoreRules } : {}),
    ...(o.include ? { include: o.include } : {}),
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(o.compress !== undefined ? { compress: o.compress } : {}),
    ...(o.chunkBytes !== undefined ? { chunkBytes: o.chunkBytes } : {}),
  };
}
