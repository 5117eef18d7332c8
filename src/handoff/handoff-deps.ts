import type { Agent } from '../domain/agent.js';
import type { Machine } from '../domain/machine.js';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import type { HandoffJournalRepo } from '../store/handoff-journal-repo.js';
import type { MachinesRepo } from '../store/machines-repo.js';
import type { Registry } from '../store/registry.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { SettingsRepo } from '../store/settings-repo.js';
import type { Peer } from '../transfer/peer-connector.js';

/** What the coordinator needs from the world; the CLI and the TUI build it the same way. */
export interface HandoffDeps {
  readonly registry: Registry;
  readonly sessions: SessionsRepo;
  readonly machines: MachinesRepo;
  readonly settings: SettingsRepo;
  readonly journal: HandoffJournalRepo;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly providerContext: ProviderContext;
  readonly loadProvider: (agent: Agent) => Promise<Provider>;
  readonly lifecycle: () => Promise<LifecycleDeps>;
  /** The peer's agent over SSH; a new connection when the last one dropped. */
  readonly connect: (machine: Machine) => Promise<Peer>;
  /** The fenced commit with a sync server; `{fenced:false}` without one. Throws CONFLICT or SERVER_UNAVAILABLE. */
  readonly commitOwnership: (sessionId: string, expectedEpoch: number, newOwnerMachineId: string) => Promise<{ fenced: boolean }>;
  /** The sync server's word on the target, or 'unknown' without a server. */
  readonly presence: (machineId: string) => Promise<'online' | 'offline' | 'unknown'>;
  /** Asks the user whether to replace `path` on `machine` (a TTY prompt); false where nobody can answer. */
  readonly confirmReplace: (path: string, machine: string) => Promise<boolean>;
  /** A live provider process running this vendor session outside happier (a direct session in use), or null. */
  readonly directInUse: (subject: {
    readonly agent: Agent;
    readonly vendorSessionId: string;
    readonly cwd: string;
  }) => Promise<{ pid: number | null; command: string | null } | null>;
  readonly realpath: (path: string) => string | null;
  readonly now: () => Date;
  readonly newId: () => string;
}
