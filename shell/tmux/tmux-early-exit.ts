import type { ProcessRunner } from '../../src/domain/process-runner.js';
import type { TmuxServerIdentity } from '../../src/domain/session.js';
import { killSession, paneTarget, runTmux, sessionPanes, type TmuxServer } from './tmux-server.js';

export type EarlyExit =
  | { readonly kind: 'running'; readonly server: TmuxServerIdentity }
  | { readonly kind: 'exited'; readonly status: number | null; readonly output: readonly string[] };

export interface EarlyExitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** tmux's own epitaph on a kept pane; it is not the provider's words. */
const TMUX_DEAD_LINE = /^Pane is dead\b/;

/** The last non-empty lines a dead pane showed, without tmux's own notice. */
export function lastOutputLines(captured: string, max = 12): string[] {
  const lines = captured
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !TMUX_DEAD_LINE.test(l));
  return lines.slice(-max);
}

/**
 * Watches a session started by `launchInTmux` (remain-on-exit on) for `windowMs`. If
 * the program is still running then, its pane goes back to closing with the program;
 * if it exited, its output is read from the kept pane and the session is removed.
 */
export async function watchEarlyExit(
  runner: ProcessRunner,
  server: TmuxServer,
  sessionName: string,
  opts: { windowMs: number; pollMs?: number; clock: EarlyExitClock },
): Promise<EarlyExit> {
  const { clock } = opts;
  const until = clock.now() + opts.windowMs;
  for (;;) {
    const panes = await sessionPanes(runner, server, sessionName);
    const pane = panes[0];
    if (!pane) return { kind: 'exited', status: null, output: [] };
    if (pane.dead) return collect(runner, server, sessionName, pane.deadStatus, clock);
    if (clock.now() >= until) break;
    await clock.sleep(Math.min(opts.pollMs ?? 100, Math.max(0, until - clock.now())));
  }
  await runTmux(runner, server, ['set-option', '-w', '-t', paneTarget(sessionName), 'remain-on-exit', 'off']);
  // The program may have died between the last look and the option change; a dead pane
  // then stays, so look once more.
  const after = (await sessionPanes(runner, server, sessionName))[0];
  if (!after) return { kind: 'exited', status: null, output: [] };
  if (after.dead) return collect(runner, server, sessionName, after.deadStatus, clock);
  return { kind: 'running', server: after.server };
}

/**
 * tmux marks a pane dead when its pty closes, which can come a moment before it reaps the
 * process and learns the exit status; wait briefly for the status rather than report none.
 * (tmux 3.3a sometimes never records it; then the status is null and the words stand alone.)
 */
async function settledStatus(
  runner: ProcessRunner,
  server: TmuxServer,
  name: string,
  status: number | null,
  clock: EarlyExitClock,
): Promise<number | null> {
  for (let i = 0; status === null && i < 8; i++) {
    await clock.sleep(25);
    const pane = (await sessionPanes(runner, server, name))[0];
    if (!pane) break;
    status = pane.deadStatus;
  }
  return status;
}

async function collect(
  runner: ProcessRunner,
  server: TmuxServer,
  name: string,
  deadStatus: number | null,
  clock: EarlyExitClock,
): Promise<EarlyExit> {
  const status = await settledStatus(runner, server, name, deadStatus, clock);
  const cap = await runTmux(runner, server, ['capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', paneTarget(name)]);
  await killSession(runner, server, name);
  return { kind: 'exited', status, output: lastOutputLines(cap.code === 0 ? cap.stdout : '') };
}
