import { userInfo } from 'node:os';
import type { PeerConnector } from '../transfer/peer-connector.js';
import type { SshEnv } from '../transfer/ssh/ssh-connection.js';
import type { CliContext } from './context.js';
import { packageInfo } from './package-info.js';

export function sshEnvOf(ctx: CliContext): SshEnv {
  let localUser = ctx.io.env.USER ?? 'root';
  try {
    localUser = userInfo().username;
  } catch {
    // no passwd entry (containers); USER will do
  }
  return { env: ctx.io.env, homeDir: ctx.io.homeDir, localUser };
}

/**
 * A connector for this command's peers (SSH and ssh2 load only now). The caller closes it
 * when the command is done: `try { … } finally { await peers.closeAll() }`.
 */
export async function openPeers(ctx: CliContext, machineId: string | null): Promise<PeerConnector> {
  const [{ PeerConnector }, store] = await Promise.all([import('../transfer/peer-connector.js'), ctx.store()]);
  return new PeerConnector(sshEnvOf(ctx), {
    version: packageInfo().version,
    machineId,
    env: ctx.io.env,
    overridesOf: (name) => store.machines.byName(name)?.overrides,
  });
}
