import { randomUUID } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import type { Agent } from '../domain/agent.js';
import type { LifecycleDeps, NewSessionFinder } from '../lifecycle/lifecycle-deps.js';
import type { ProviderContext } from '../providers/provider.js';
import type { CliContext } from './context.js';
import { findExecutable } from '../../shell/find-executable.js';
import { claudeNotSetUp, claudeSetupGap } from '../domain/claude-setup.js';
import { claudeSetupFacts } from '../providers/claude/claude-setup-facts.js';

type FinderModule = { findNewSession: (ctx: ProviderContext, q: { cwd: string; since: Date }) => Promise<string | null> };

/** Providers that mint their own id after launch export `findNewSession` from their adapter module. */
const FINDERS: Partial<Record<Agent, () => Promise<FinderModule>>> = {
  codex: () => import('../providers/codex/codex-provider.js'),
  opencode: () => import('../providers/opencode/opencode-provider.js'),
};

/** The real world for the session lifecycle, as the CLI runs it; everything heavy loads here, lazily. */
export async function lifecycleDeps(ctx: CliContext): Promise<LifecycleDeps> {
  const [store, { nodeProcessRunner }, tmux, { enclosingTmuxSocket, resolveSocketPath }, { loadProvider }, { chokidarWatcher }, { runOnTerminal }, { timingFromEnv }] =
    await Promise.all([
      ctx.store(),
      import('../../shell/node-process-runner.js'),
      ctx.tmuxServer(),
      import('../../shell/tmux/tmux-socket.js'),
      import('../providers/all-providers.js'),
      import('../lifecycle/chokidar-watcher.js'),
      import('../../shell/interactive-runner.js'),
      import('../lifecycle/lifecycle-deps.js'),
    ]);
  const env = ctx.io.env;
  const inside = enclosingTmuxSocket(env);
  const providerContext = { env, homeDir: ctx.io.homeDir, runner: nodeProcessRunner };
  const findNewSession: NewSessionFinder = async (agent, pctx, query) => {
    const load = FINDERS[agent];
    return load ? (await load()).findNewSession(pctx, query) : null;
  };
  return {
    sessions: store.sessions,
    machines: store.machines,
    settings: store.settings,
    selfMachineId: store.registry.machineId,
    confirmOwnership: async (session) => {
      const { assertStillOwner } = await import('../server/client/quick-checks.js');
      await assertStillOwner(store.registry, env, session.id, session.ownerEpoch);
    },
    loadProvider,
    withoutConversation: (sessions) => ctx.withoutConversation(sessions),
    findNewSession,
    providerContext,
    runner: nodeProcessRunner,
    tmux,
    tmuxSocketPath: tmux.socket!,
    enclosingTmuxSocket: inside === null ? null : resolveSocketPath(inside, realpathSync),
    env,
    onTerminal: (bin, args, opts) => runOnTerminal(bin, args, env, opts),
    clock: { now: () => ctx.io.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    watcher: chokidarWatcher,
    isDirectory: (path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
    setupProblem: (agent, env) => (agent === 'claude' ? claudeSetupProblem({ ...providerContext, env }) : null),
    findExecutable,
    newId: randomUUID,
    timing: timingFromEnv(env),
  };
}

function claudeSetupProblem(ctx: ProviderContext) {
  const gap = claudeSetupGap(claudeSetupFacts(ctx));
  return gap ? claudeNotSetUp(gap) : null;
}
