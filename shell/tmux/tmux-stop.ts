import type { ProcessRunner } from '../../src/domain/process-runner.js';
import { sendKeys, type KeyStroke } from './tmux-keys.js';
import type { TmuxServerIdentity } from '../../src/domain/session.js';
import { killSession, sessionPanes, type PaneInfo, type TmuxServer } from './tmux-server.js';

/** A polite way to ask the provider to leave, and how long to give it. */
export type StopStep =
  | { readonly kind: 'keys'; readonly strokes: readonly KeyStroke[]; readonly waitMs: number }
  | { readonly kind: 'signal'; readonly signal: 'SIGINT'; readonly waitMs: number };

export type StopOutcome = 'not-running' | 'graceful' | 'interrupted' | 'killed';

/**
 * Politest first: the provider's own way out (it saves its state), then SIGINT to the
 * pane's process. `runStopPlan` closes the tmux session if neither worked, which hangs up
 * on whatever is left.
 */
export function stopPlan(quit: readonly KeyStroke[], waitMs: number): StopStep[] {
  return [
    ...(quit.length > 0 ? [{ kind: 'keys' as const, strokes: quit, waitMs }] : []),
    { kind: 'signal', signal: 'SIGINT', waitMs },
  ];
}

export interface StopOps {
  alive(): Promise<boolean>;
  sendKeys(strokes: readonly KeyStroke[]): Promise<void>;
  signal(signal: 'SIGINT'): Promise<void>;
  killSession(): Promise<void>;
  sleep(ms: number): Promise<void>;
}

const OUTCOME: Record<StopStep['kind'], StopOutcome> = { keys: 'graceful', signal: 'interrupted' };
const POLL_MS = 100;

/** Carries out the polite steps until nothing runs, and closes the session if something still does. */
export async function runStopPlan(plan: readonly StopStep[], ops: StopOps): Promise<StopOutcome> {
  if (!(await ops.alive())) return 'not-running';
  for (const step of plan) {
    if (step.kind === 'keys') await ops.sendKeys(step.strokes);
    else await ops.signal(step.signal);
    for (let waited = 0; ; waited += POLL_MS) {
      if (!(await ops.alive())) return OUTCOME[step.kind];
      if (waited >= step.waitMs) break;
      await ops.sleep(POLL_MS);
    }
  }
  await ops.killSession();
  return 'killed';
}

/**
 * The real operations on one tmux session. With `life`, a pane of the same name on a later
 * life of the server is not this session's and counts as nothing running.
 */
export function tmuxStopOps(runner: ProcessRunner, server: TmuxServer, sessionName: string, life?: TmuxServerIdentity): StopOps {
  const ours = (p: PaneInfo) => !p.dead && (!life || (p.server.pid === life.pid && p.server.startTime === life.startTime));
  const livePid = async () => (await sessionPanes(runner, server, sessionName)).find(ours)?.panePid;
  return {
    alive: async () => (await livePid()) !== undefined,
    sendKeys: async (strokes) => {
      await sendKeys(runner, server, sessionName, strokes, () => new Promise((r) => setTimeout(r, 150)));
    },
    signal: async (signal) => {
      const pid = await livePid();
      if (pid === undefined) return;
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone: the next liveness check says so.
      }
    },
    killSession: () => killSession(runner, server, sessionName),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}
