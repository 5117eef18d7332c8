/**
 * The way into another machine: one SSH connection and one agent per peer for the life
 * of a command, whatever asks for it (machine list, handoff, tree sync).
 *
 *   const peers = new PeerConnector(sshEnv, { version, machineId, env });
 *   const peer = await peers.connect({ name: 'laptop', sshTarget: 'me@laptop' });
 *   await peer.agent.call('fs.stat', { path: '~/code' });
 *   await peers.closeAll();
 */
import { hostname } from 'node:os';
import type { MachineOverrides } from '../domain/machine.js';
import type { HandlerRegistry } from './agent/agent-endpoint.js';
import type { AgentInfo } from './agent/agent-info.js';
import { launchRemoteAgent, type AgentBundle, type RemoteAgent } from './agent/agent-launch.js';
import { PROTOCOL_VERSION } from './agent/frame-codec.js';
import { providersOnPath } from './agent/providers-on-path.js';
import type { SshConnection, SshEnv } from './ssh/ssh-connection.js';
import { SshPool } from './ssh/ssh-pool.js';

export interface PeerAddress {
  readonly name: string;
  readonly sshTarget: string;
  readonly identityFile?: string | null;
}

export interface PeerConnectOptions {
  readonly acceptNewHostKey?: boolean;
  readonly connectTimeoutMs?: number;
  /** Run the uploaded bundle even when the peer has the same happier installed. */
  readonly forceBundle?: boolean;
  /** Paths to use instead of the machine's recorded ones (`machine add --set`). */
  readonly overrides?: MachineOverrides;
}

export interface Peer {
  readonly address: PeerAddress;
  readonly ssh: SshConnection;
  readonly agent: RemoteAgent;
  /** The peer's hello: versions, machine id, providers, handler names. */
  readonly info: AgentInfo;
}

export interface LocalIdentity {
  readonly version: string;
  readonly machineId: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly bundle?: AgentBundle;
  /** Handlers this side serves to the peer, if any. */
  readonly handlers?: HandlerRegistry;
  /** The paths set for a machine (`happier machine set`), by its name. */
  readonly overridesOf?: (machineName: string) => MachineOverrides | undefined;
}

export class PeerConnector {
  private readonly pool: SshPool;
  private readonly peers = new Map<string, Promise<Peer>>();

  constructor(
    private readonly sshEnv: SshEnv,
    private readonly local: LocalIdentity,
  ) {
    this.pool = new SshPool(sshEnv);
  }

  connect(address: PeerAddress, opts: PeerConnectOptions = {}): Promise<Peer> {
    let p = this.peers.get(address.name);
    if (!p) {
      p = this.open(address, opts);
      this.peers.set(address.name, p);
      p.then(
        (peer) => void peer.agent.endpoint.closed.then(() => this.peers.get(address.name) === p && this.peers.delete(address.name)),
        () => this.peers.get(address.name) === p && this.peers.delete(address.name),
      );
    }
    return p;
  }

  private async open(address: PeerAddress, opts: PeerConnectOptions): Promise<Peer> {
    const ssh = await this.pool.get(address.name, {
      target: address.sshTarget,
      machineName: address.name,
      identityFile: address.identityFile ?? null,
      ...(opts.acceptNewHostKey ? { acceptNewHostKey: true } : {}),
      ...(opts.connectTimeoutMs ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    });
    const agent = await launchRemoteAgent(ssh, {
      localVersion: this.local.version,
      localInfo: {
        protocol: PROTOCOL_VERSION,
        happierVersion: this.local.version,
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        hostname: hostname(),
        homeDir: this.sshEnv.homeDir,
        machineId: this.local.machineId,
        providers: providersOnPath(this.local.env),
        flavor: 'installed',
      },
      ...(this.local.handlers ? { handlers: this.local.handlers } : {}),
      ...(this.local.bundle ? { bundle: this.local.bundle } : {}),
      ...(opts.forceBundle ? { forceBundle: true } : {}),
      machineName: address.name,
      overrides: opts.overrides ?? this.local.overridesOf?.(address.name) ?? {},
    });
    return { address, ssh, agent, info: agent.info };
  }

  async closeAll(): Promise<void> {
    const all = [...this.peers.values()];
    this.peers.clear();
    await Promise.all(all.map((p) => p.then((peer) => peer.agent.close(), () => undefined)));
    await this.pool.closeAll();
  }
}
