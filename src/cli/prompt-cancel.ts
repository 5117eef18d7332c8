/**
 * Whether `err` is a person cancelling a prompt (Ctrl-C, Esc, an aborted signal) rather
 * than a failure. @inquirer/prompts signals it with these error names; every prompt in
 * happier ends at the CLI edge, so this one check makes every cancel exit 130.
 */
const CANCEL_NAMES = new Set(['ExitPromptError', 'AbortPromptError', 'CancelPromptError']);

export const CANCEL_EXIT = 130;

export function isPromptCancel(err: unknown): boolean {
  return err instanceof Error && CANCEL_NAMES.has(err.name);
}
