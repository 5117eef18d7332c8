import type { Agent } from './agent.js';
import { HappierError } from './errors.js';
import { providerInstallHint } from './provider-install.js';
import type { Machine } from './machine.js';
import type { Settings } from './settings.js';

/** What the coordinator learned about the target before deciding anything. */
export type TargetProbe =
  | { readonly online: true; readonly providers: readonly Agent[]; readonly happierVersion: string }
  | { readonly online: false; readonly reason: string };

export interface PreflightInput {
  readonly agent: Agent;
  readonly ownerMachineId: string;
  readonly selfMachineId: string;
  readonly settings: Settings;
  readonly targetName: string;
  readonly target: Machine | undefined;
  readonly probe: TargetProbe | undefined;
  readonly workspaceRequested: boolean;
  readonly unsafeWorkspace: string | null;
}

export interface PreflightResult {
  readonly workspace: boolean;
  /** Things the user must be told, e.g. why workspace transfer was turned off. */
  readonly notes: readonly string[];
}

/** Whether happier can move this provider's state at all, and under which setting. */
export function providerHandoffSupport(agent: Agent, settings: Settings): 'supported' | 'experimental-off' | 'experimental-on' {
  if (agent !== 'codex') return 'supported';
  return settings.handoff.codexExperimental ? 'experimental-on' : 'experimental-off';
}

/**
 * The checks that come before anything is touched, in the order a user would want to
 * hear about them. Throws the first refusal; otherwise says what will happen.
 */
export function preflightHandoff(p: PreflightInput): PreflightResult {
  if (providerHandoffSupport(p.agent, p.settings) === 'experimental-off') {
    throw new HappierError('UNSUPPORTED_PROVIDER', 'handing off Codex sessions is experimental and turned off', {
      hint: 'turn it on with `happier settings set handoff.codexExperimental true`',
    });
  }
  if (p.ownerMachineId !== p.selfMachineId) {
    throw new HappierError('NOT_OWNER', 'this machine does not own the session, so it cannot hand it off', {
      hint: 'run the handoff on the machine that owns it; `happier session show` with this id names that machine',
    });
  }
  if (!p.target) {
    throw new HappierError('MACHINE_UNKNOWN', `no machine named ${p.targetName}`, {
      hint: `add it with \`happier machine add ${p.targetName} <ssh-target>\`, or see \`happier machine list\``,
    });
  }
  if (p.target.id === p.ownerMachineId || p.target.isSelf) {
    throw new HappierError('USAGE', `${p.target.name} already owns this session`, {
      hint: 'pick another machine with --to',
    });
  }
  if (!p.probe || !p.probe.online) {
    throw new HappierError('MACHINE_OFFLINE', `${p.target.name} is not reachable${p.probe ? `: ${p.probe.reason}` : ''}`, {
      hint: `check it with \`happier machine ping ${p.target.name}\``,
    });
  }
  if (!p.probe.providers.includes(p.agent)) {
    throw new HappierError('PROVIDER_MISSING', `${p.target.name} has no ${p.agent} CLI`, {
      hint: providerInstallHint(p.agent, p.target.name),
    });
  }
  const notes: string[] = [];
  let workspace = p.workspaceRequested;
  if (workspace && p.unsafeWorkspace) {
    workspace = false;
    notes.push(`workspace transfer is off: ${p.unsafeWorkspace}`);
  }
  return { workspace, notes };
}
