/**
 * A throwaway ssh-agent holding one key, for tests of logins that only an agent can do.
 *
 *   const agent = await startSshAgent(dir, peer.clientKey);
 *   // SSH_AUTH_SOCK=agent.socket, or `IdentityAgent ${agent.socket}` in an ssh config
 *   agent.stop();
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface TestSshAgent {
  readonly socket: string;
  stop(): void;
}

export async function startSshAgent(dir: string, key: string): Promise<TestSshAgent> {
  const socket = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10));
  execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  return { socket, stop: () => agent.kill() };
}
