/**
 * Tree sync served by the agent: `tree-sync.receive` makes this machine the destination
 * (a push from the opener), `tree-sync.send` makes it the source (a pull). The engine
 * checks every path inside the tree; the root named here goes through agentPath.
 */
import type { HandlerRegistry } from '../agent-endpoint.js';
import { agentPath } from '../agent-paths.js';
import { syncChannelOver } from '../agent-sync-channel.js';
import type { ReceiveTreeOptions } from '../../tree-sync/receiver.js';
import type { SendTreeOptions } from '../../tree-sync/sender.js';

export interface RemoteReceiveParams {
  readonly dest: string;
  readonly options?: Pick<ReceiveTreeOptions, 'limits' | 'deleteExtraneous' | 'maxOutstanding' | 'fsync'>;
}

export interface RemoteSendParams {
  readonly root: string;
  readonly options?: Pick<SendTreeOptions, 'ignoreRules' | 'include' | 'concurrency' | 'compress' | 'chunkBytes'>;
}

export function registerTreeSyncHandlers(reg: HandlerRegistry, homeDir: string): void {
  reg
    .stream('tree-sync.receive', async (stream, params: RemoteReceiveParams) => {
      const dest = agentPath(params?.dest, homeDir);
      const [{ receiveTree }, { loadBlockHasher }] = await Promise.all([import('../../tree-sync/receiver.js'), import('../../tree-sync/strong-hash.js')]);
      await loadBlockHasher();
      const r = await receiveTree(dest, syncChannelOver(stream, { endWithResult: true }), pickReceive(params?.options));
      return r;
    })
    .rpc('tree-sync.cleanup', async ({ dest }: { dest: string }) => {
      const { cleanupSyncLeftovers } = await import('../../tree-sync/sync-leftovers.js');
      return cleanupSyncLeftovers(agentPath(dest, homeDir));
    })
    .stream('tree-sync.send', async (stream, params: RemoteSendParams) => {
      const root = agentPath(params?.root, homeDir);
      const { sendTree } = await import('../../tree-sync/sender.js');
      return sendTree(root, syncChannelOver(stream, { endWithResult: true }), pickSend(params?.options));
    });
}

function pickReceive(o: RemoteReceiveParams['options']): ReceiveTreeOptions {
  if (!o || typeof o !== 'object') return {};
  return {
    ...(o.limits && typeof o.limits === 'object' ? { limits: o.limits } : {}),
    ...(typeof o.deleteExtraneous === 'boolean' ? { deleteExtraneous: o.deleteExtraneous } : {}),
    ...(typeof o.maxOutstanding === 'number' ? { maxOutstanding: o.maxOutstanding } : {}),
    ...(typeof o.fsync === 'boolean' ? { fsync: o.fsync } : {}),
  };
}

function pickSend(o: RemoteSendParams['options']): SendTreeOptions {
  if (!o || typeof o !== 'object') return {};
  return {
    ...(typeof o.ignoreRules === 'boolean' ? { ignoreRules: o.ignoreRules } : {}),
    ...(Array.isArray(o.include) ? { include: o.include.filter((g): g is string => typeof g === 'string') } : {}),
    ...(typeof o.concurrency === 'number' ? { concurrency: o.concurrency } : {}),
    ...(typeof o.compress === 'boolean' ? { compress: o.compress } : {}),
    ...(typeof o.chunkBytes === 'number' ? { chunkBytes: o.chunkBytes } : {}),
  };
}
