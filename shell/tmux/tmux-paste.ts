import { HappierError } from '../../src/domain/errors.js';
import type { ProcessRunner } from '../../src/domain/process-runner.js';
import { paneTarget, runTmux, tmuxArgs, type TmuxServer } from './tmux-server.js';

/**
 * The tmux commands that put `text` into a pane as one paste and submit it:
 * - `load-buffer -` reads the text from stdin, so it is never on an argv and has no length limit;
 * - `paste-buffer -p` wraps it in bracketed-paste markers when the provider asked for them, so
 *   a multi-line message arrives whole instead of each newline submitting a line;
 * - `-d` deletes the named buffer, so the text does not linger in the tmux server;
 * - `-r` keeps newlines as LF: tmux's default turns them into CR, which is Enter to a TUI
 *   that did not ask for bracketed paste;
 * - Enter then submits, as a user would.
 */
export function pasteArgs(sessionName: string, buffer: string): { load: string[]; paste: string[]; submit: string[] } {
  return {
    load: ['load-buffer', '-b', buffer, '-'],
    paste: ['paste-buffer', '-p', '-d', '-r', '-b', buffer, '-t', paneTarget(sessionName)],
    submit: ['send-keys', '-t', paneTarget(sessionName), 'Enter'],
  };
}

/** Pastes and submits; `settle` runs between the paste and Enter, since a TUI reads a paste in more than one read. */
export async function pasteAndSubmit(
  runner: ProcessRunner,
  server: TmuxServer,
  sessionName: string,
  text: string,
  buffer: string,
  settle: () => Promise<void>,
): Promise<void> {
  const a = pasteArgs(sessionName, buffer);
  const load = await runner.run(server.bin, tmuxArgs(server, a.load), { input: text, timeoutMs: 10_000 });
  if (load.code !== 0) throw pasteFailed(sessionName, load.stderr);
  const paste = await runTmux(runner, server, a.paste);
  if (paste.code !== 0) throw pasteFailed(sessionName, paste.stderr);
  await settle();
  const submit = await runTmux(runner, server, a.submit);
  if (submit.code !== 0) throw pasteFailed(sessionName, submit.stderr);
}

function pasteFailed(sessionName: string, stderr: string): HappierError {
  return new HappierError('TMUX_FAILED', `tmux could not put the message into ${sessionName}: ${stderr.trim() || 'no reason given'}`, {
    hint: 'the session may have just ended; check `happier session show <id>`',
  });
}
