/**
 * What the agent reports about the environment it was started in: on a peer that is the
 * user's login shell, so these are the paths and provider settings its panes will get.
 */
import { findExecutable } from '../../../shell/find-executable.js';
import type { MachineEnvironment } from '../../domain/machine.js';
import { providerEnvNames } from '../../domain/provider-env-names.js';
import { providerPath } from './providers-on-path.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Set by the start script to the shell it logged in through (see agent-launch.ts). */
export const LOGIN_SHELL_VAR = 'HAPPIER_LOGIN_SHELL';

/** `runningNode` answers for node only when PATH has none: the path a user would find is the one to show. */
export function peerEnvironment(env: Env, runningNode: string, now: Date): MachineEnvironment {
  return {
    shell: env[LOGIN_SHELL_VAR] || env.SHELL || null,
    paths: {
      node: findExecutable('node', env) ?? runningNode,
      happier: findExecutable('happier', env),
      tmux: findExecutable(env.HAPPIER_TMUX_BIN || 'tmux', env),
      claude: providerPath('claude', env),
      codex: providerPath('codex', env),
      opencode: providerPath('opencode', env),
    },
    providerEnv: providerEnvNames(env),
    probedAt: now.toISOString(),
  };
}
