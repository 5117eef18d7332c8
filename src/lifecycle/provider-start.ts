import type { Agent } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import { providerMissing } from '../domain/provider-install.js';
import type { LaunchSpec } from '../providers/provider.js';
import { watchEarlyExit, type EarlyExit } from '../../shell/tmux/tmux-early-exit.js';
import { launchInTmux } from '../../shell/tmux/tmux-launch.js';
import { installedLocales, withUtf8Locale } from '../../shell/tmux/pane-locale.js';
import { killSession, sessionPanes } from '../../shell/tmux/tmux-server.js';
import type { TmuxTerminal } from '../domain/session.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

/**
 * Starts a provider command in the tmux session `sessionName` and watches its first
 * moments. A provider that exits in that window has failed: its last words become a
 * PROVIDER_FAILED error and no tmux session is left behind. Returns where the pane lives,
 * for the session's record.
 */
export async function startProviderInTmux(
  deps: LifecycleDeps,
  opts: { agent: Agent; sessionName: string; title: string; spec: LaunchSpec; label: string; hint: string },
): Promise<TmuxTerminal> {
  const { runner, tmux } = deps;
  const env = { ...deps.env, ...opts.spec.env };
  // A missing CLI would only show as "exec: claude: not found" in a pane that is gone.
  if (deps.findExecutable(opts.spec.bin, env) === null) throw providerMissing(opts.agent, opts.spec.bin, env);
  // Its first-run or login dialog would only wait in a pane nobody looks at.
  const notSetUp = deps.setupProblem(opts.agent, env);
  if (notSetUp) throw notSetUp;
  const existing = await sessionPanes(runner, tmux, opts.sessionName);
  if (existing.some((p) => !p.dead)) {
    throw new HappierError('ALREADY_ACTIVE', `tmux session ${opts.sessionName} is already running`, {
      hint: '`happier session list --active` shows what runs now',
    });
  }
  // A kept pane from an earlier failed start would block the name.
  if (existing.length > 0) await killSession(runner, tmux, opts.sessionName);

  const envFile = await launchInTmux(runner, tmux, {
    sessionName: opts.sessionName,
    title: opts.title,
    cwd: opts.spec.cwd,
    argv: [opts.spec.bin, ...opts.spec.args],
    env: withUtf8Locale(env, await installedLocales(runner)),
  });
  try {
    const result = await watchEarlyExit(runner, tmux, opts.sessionName, {
      windowMs: deps.timing.startWatchMs,
      clock: { now: () => deps.clock.now().getTime(), sleep: deps.clock.sleep },
    });
    if (result.kind === 'exited') throw providerFailed(opts.label, result, opts.hint);
    return { kind: 'tmux', sessionName: opts.sessionName, socket: tmux.socket, server: result.server };
  } finally {
    envFile.remove();
  }
}

export function providerFailed(label: string, exit: Extract<EarlyExit, { kind: 'exited' }>, hint: string): HappierError {
  const status = exit.status === null ? '' : ` (status ${exit.status})`;
  const words = exit.output.slice(-3).join(' | ');
  const said = words === '' ? ' without saying why' : `: ${words}`;
  return new HappierError('PROVIDER_FAILED', `${label} exited right after starting${status}${said}`, {
    hint,
    details: { status: exit.status, output: exit.output },
  });
}
