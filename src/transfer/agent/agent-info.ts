import type { MachineEnvironment } from '../../domain/machine.js';

/** What each side of an agent connection tells the other first. */
export interface AgentInfo {
  readonly protocol: number;
  readonly happierVersion: string;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly hostname: string;
  readonly homeDir: string;
  /** The peer's stable machine id; null when it could not be read. */
  readonly machineId: string | null;
  /** Provider CLIs found on the peer: claude, codex, opencode. */
  readonly providers: readonly string[];
  /** `bundled` when running the uploaded single-file agent, `installed` for `happier agent --stdio`. */
  readonly flavor: 'bundled' | 'installed';
  /** The agent's own environment (on a peer, the user's login shell's); absent from older agents. */
  readonly environment?: MachineEnvironment;
  readonly handlers: { readonly rpcs: readonly string[]; readonly streams: readonly string[] };
}
