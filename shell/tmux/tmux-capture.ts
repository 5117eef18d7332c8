import type { ProcessRunner } from '../../src/domain/process-runner.js';
import { paneTarget, runTmux, type TmuxServer } from './tmux-server.js';

/** The visible screen of a session's active pane, or null when tmux cannot show it (the session ended). */
export async function captureScreen(runner: ProcessRunner, server: TmuxServer, sessionName: string): Promise<string | null> {
  const r = await runTmux(runner, server, ['capture-pane', '-p', '-t', paneTarget(sessionName)]);
  return r.code === 0 ? r.stdout : null;
}
