import { HappierError } from '../domain/errors.js';
import { effectivePaths, type Machine } from '../domain/machine.js';
import type { Session } from '../domain/session.js';
import { commandLine, sshHappierArgv, type SshReach } from '../../shell/ssh-line.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { notOwner } from './resume-checks.js';
import { sshRunFailure } from '../transfer/ssh/ssh-run-failure.js';

/** The same happier command, run on the machine that owns the session, over `ssh -t`. */
export interface RemotePlan {
  readonly kind: 'ssh';
  readonly machine: string;
  /** The machine's ssh target, as `machine add` recorded it. */
  readonly target: string;
  readonly bin: string;
  readonly args: readonly string[];
  /** The argv as a line to paste, which `--dry-run` prints. */
  readonly line: string;
  /** When happier last reached the machine (its last probe), for the offline message. */
  readonly lastSeenAt: string | null;
}

/** How the system ssh reaches a peer, from what the machines repo recorded about it. Pure. */
export function reachOf(m: Machine, env: Readonly<Record<string, string | undefined>>): SshReach | null {
  // A target that starts with '-' would be read by ssh as an option.
  if (!m.sshTarget || m.sshTarget.startsWith('-')) return null;
  const paths = effectivePaths(m.environment, m.overrides);
  return {
    sshTarget: m.sshTarget,
    identityFile: m.identityFile,
    happierPath: paths.find((p) => p.key === 'happier')?.path ?? null,
    shellPath: paths.find((p) => p.key === 'shell')?.source === 'set' ? (m.overrides?.shell ?? null) : null,
    sshConfig: env.HAPPIER_SSH_CONFIG || null,
    knownHosts: env.HAPPIER_KNOWN_HOSTS || null,
  };
}

/**
 * The plan for running `happier <verb> <id> …` on the session's owner. A session owned
 * elsewhere whose owner has no ssh target stays NOT_OWNER, with the hint to add it.
 */
export function planRemote(deps: LifecycleDeps, session: Session, verb: 'attach' | 'resume', extra: readonly string[] = []): RemotePlan {
  const m = deps.machines.get(session.ownerMachineId);
  const reach = m ? reachOf(m, deps.env) : null;
  if (!m || !reach) throw notOwner(session, m ? { name: m.name, sshTarget: null } : null, verb);
  const [bin, ...args] = sshHappierArgv(reach, [verb, session.id, ...extra], { tty: true });
  return { kind: 'ssh', machine: m.name, target: reach.sshTarget, bin: bin!, args, line: commandLine([bin!, ...args]), lastSeenAt: m.environment?.probedAt ?? null };
}

/**
 * Hands this terminal to ssh until the remote happier returns (Ctrl-b d in the owner's
 * tmux ends it). ssh exits 255 when it cannot connect; any other code is the remote
 * happier's, which has already told the user why on this terminal.
 */
export async function runRemote(deps: LifecycleDeps, session: Session, plan: RemotePlan, opts: { hasTerminal: boolean }): Promise<void> {
  const short = session.id.slice(0, 8);
  if (!opts.hasTerminal) {
    throw new HappierError('NOT_ATTACHABLE', `session ${short} is owned by ${plan.machine}; reaching it over ssh -t needs a terminal, and this is not one`, {
      hint: `run it in a terminal: ${plan.line}`,
      details: { reason: 'no-terminal', ssh: plan.line },
    });
  }
  const { code, stderr } = await deps.onTerminal(plan.bin, plan.args, { keepStderr: true });
  if (code === 255) throw sshRunFailure(stderr, plan.machine, plan.target) ?? ownerOffline(plan, short);
  if (code !== 0) {
    throw new HappierError('NOT_ATTACHABLE', `happier on ${plan.machine} could not reach ${short} (exit ${code})`, {
      hint: `its reason is printed above; run it there yourself: ${plan.line}`,
      details: { reason: 'remote-failed', machine: plan.machine, exitCode: code },
    });
  }
}

export function ownerOffline(plan: RemotePlan, short: string): HappierError {
  const seen = plan.lastSeenAt ? `last seen ${plan.lastSeenAt.slice(0, 16).replace('T', ' ')} UTC` : 'never seen';
  return new HappierError('MACHINE_OFFLINE', `${plan.machine}, which owns ${short}, cannot be reached over ssh (${seen})`, {
    hint: `check that ${plan.machine} is on and its SSH server runs (\`happier machine ping ${plan.machine}\`), then try again`,
    details: { machine: plan.machine, lastSeenAt: plan.lastSeenAt, ssh: plan.line },
  });
}
