/**
 * One authenticated SSH connection to a peer (through any ProxyJump hops), with host keys
 * checked. Everything a command runs on the peer shares it. The system OpenSSH client
 * carries it when there is one (openssh-transport.ts); ssh2 otherwise (ssh2-transport.ts).
 */
import { findExecutable } from '../../../shell/find-executable.js';
import type { ExecResult, RemoteChannel } from './remote-channel.js';
import type { SshHost } from './ssh-host.js';
import { chooseTransport } from './ssh-transport-choice.js';

export type { ExecResult, RemoteChannel } from './remote-channel.js';
export type { SshHost } from './ssh-host.js';

export interface SshEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly localUser: string;
}

export interface ConnectOptions {
  /** `user@host[:port]` or a Host alias from the ssh config. */
  readonly target: string;
  /** The machine's name in happier, for hints; the target's host when not known. */
  readonly machineName?: string;
  /** Tried before the config's and the default identity files. */
  readonly identityFile?: string | null;
  /** Record an unknown host key in known_hosts instead of refusing it. A changed key is always refused. */
  readonly acceptNewHostKey?: boolean;
  readonly connectTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
}

export interface SshConnection {
  readonly host: SshHost;
  /** Host keys this connection recorded in known_hosts, as `SHA256:…`. */
  readonly acceptedKeys: readonly string[];
  /** A raw exec channel; the caller must drain both stdout and stderr. */
  exec(command: string): Promise<RemoteChannel>;
  /** Runs a command to completion, draining everything; `stdin` is written then closed. */
  run(command: string, stdin?: Buffer | string): Promise<ExecResult>;
  /** Resolves when the connection is gone, for whatever reason. */
  readonly closed: Promise<void>;
  close(): void;
  /** Drops the connection at once, as a network failure would; running channels close. */
  destroy(): void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_MS = 15_000;

export async function connectSsh(opts: ConnectOptions, e: SshEnv): Promise<SshConnection> {
  const choice = chooseTransport(e.env, findExecutable);
  if (choice.kind === 'openssh') {
    const { connectOpenSsh } = await import('./openssh-transport.js');
    return connectOpenSsh(opts, e, choice.sshPath);
  }
  const { connectSsh2 } = await import('./ssh2-transport.js');
  return connectSsh2(opts, e);
}
