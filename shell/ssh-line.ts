import { shellQuote } from './shell-quote.js';

/** How to reach a peer with the system ssh, as happier records it. */
export interface SshReach {
  readonly sshTarget: string;
  readonly identityFile?: string | null;
  /** The happier and login shell paths recorded for the peer (`machine set`, or the probe). */
  readonly happierPath?: string | null;
  readonly shellPath?: string | null;
  /** HAPPIER_SSH_CONFIG and HAPPIER_KNOWN_HOSTS: the files happier's own SSH uses, so the ssh it spawns agrees. */
  readonly sshConfig?: string | null;
  readonly knownHosts?: string | null;
}

/**
 * The ssh argv that runs `happier <args>` on the peer. `tty` gives it a terminal of its
 * own (attach, resume); without one the command talks JSON on stdout and reads stdin.
 * sshd runs a command in a non-login shell, where happier installed on the login PATH
 * only (nvm, ~/.local/bin) is not found; `$SHELL -lc` reads the login profile first.
 * Everything else (ports, jump hosts, agents) is the user's ssh config's to decide.
 */
export function sshHappierArgv(reach: SshReach, args: readonly string[], opts: { tty: boolean }): string[] {
  const inner = [reach.happierPath || 'happier', ...args].map(shellQuote).join(' ').replace(/["\\$`]/g, '\\$&');
  const shell = reach.shellPath ? shellQuote(reach.shellPath) : '$SHELL';
  return [
    'ssh',
    ...(reach.sshConfig ? ['-F', reach.sshConfig] : []),
    ...(reach.knownHosts ? ['-o', `UserKnownHostsFile=${reach.knownHosts}`] : []),
    ...(reach.identityFile ? ['-i', reach.identityFile] : []),
    ...(opts.tty ? ['-t'] : ['-T', '-o', 'BatchMode=yes']),
    reach.sshTarget,
    `${shell} -lc "${inner}"`,
  ];
}

/** An argv as a line a user can paste into a POSIX shell. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The command that runs `happier <args>` on the owning machine with a terminal of its own, for hints. */
export function sshHappierLine(sshTarget: string, args: readonly string[]): string {
  return commandLine(sshHappierArgv({ sshTarget }, args, { tty: true }));
}
