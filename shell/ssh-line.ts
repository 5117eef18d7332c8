import { shellQuote } from './shell-quote.js';

/**
 * The command that runs `happier <args>` on the owning machine with a terminal of its own.
 * sshd runs a command in a non-login shell, where happier installed on the login PATH
 * only (nvm, ~/.local/bin) is not found; `$SHELL -lc` reads the login profile first.
 */
export function sshHappierLine(sshTarget: string, args: readonly string[]): string {
  const inner = ['happier', ...args].map(shellQuote).join(' ').replace(/["\\$`]/g, '\\$&');
  return ['ssh', '-t', shellQuote(sshTarget), shellQuote(`$SHELL -lc "${inner}"`)].join(' ');
}
