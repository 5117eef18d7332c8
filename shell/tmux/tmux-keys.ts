import type { ProcessRunner } from '../../src/domain/process-runner.js';
import { paneTarget, runTmux, type TmuxServer } from './tmux-server.js';

/** Text typed as is, or one tmux key name such as `Enter` or `C-c`. */
export type KeyStroke = { readonly text: string } | { readonly key: string };

/** The tmux argv for one stroke; `-l` keeps text from being read as key names. */
export function sendKeysArgs(sessionName: string, stroke: KeyStroke): string[] {
  return 'text' in stroke
    ? ['send-keys', '-t', paneTarget(sessionName), '-l', '--', stroke.text]
    : ['send-keys', '-t', paneTarget(sessionName), stroke.key];
}

/** Sends strokes one by one, so a TUI sees typed text before the key that submits it. */
export async function sendKeys(
  runner: ProcessRunner,
  server: TmuxServer,
  sessionName: string,
  strokes: readonly KeyStroke[],
  pause: () => Promise<void> = async () => {},
): Promise<boolean> {
  for (const stroke of strokes) {
    const res = await runTmux(runner, server, sendKeysArgs(sessionName, stroke));
    if (res.code !== 0) return false;
    await pause();
  }
  return true;
}
