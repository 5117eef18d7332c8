import { shellQuote } from './shell-quote.js';

/** The command that runs `happier <args>` on the owning machine with a terminal of its own. */
export function sshHappierLine(sshTarget: string, args: readonly string[]): string {
  return ['ssh', '-t', sshTarget, 'happier', ...args].map(shellQuote).join(' ');
}
