import type { Agent, Backend } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import type { Session, TmuxTerminal } from '../domain/session.js';
import { tmuxSessionName } from '../../shell/tmux/tmux-argv.js';
import { discoverVendorId } from './vendor-id-discovery.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { startProviderInTmux } from './provider-start.js';

export interface NewSessionRequest {
  readonly agent: Agent;
  readonly cwd: string;
  readonly title: string;
  /** Passed to the provider after happier's own arguments. */
  readonly extraArgs: readonly string[];
  /** Ends the search for a vendor id early (the caller gave up on the session). */
  readonly signal?: AbortSignal;
}

export interface StartedSession {
  readonly session: Session;
  readonly sessionName: string;
  /**
   * The vendor id: known at once for Claude, found later for Codex and OpenCode, which
   * may only write their session once the user sends a first message; null if it never
   * appeared. The registry is updated before it resolves.
   */
  readonly vendorId: Promise<string | null>;
}

/** Claude takes its session id on the command line; the others mint their own. */
const ID_GIVEN_UP_FRONT: Record<Agent, boolean> = { claude: true, codex: false, opencode: false };

/**
 * `happier new`: records the session first, so a crash cannot lose it, then starts the
 * provider in tmux. A provider that fails at once takes its record with it: no session
 * was created.
 */
export async function startNewSession(deps: LifecycleDeps, req: NewSessionRequest): Promise<StartedSession> {
  const settings = deps.settings.settings();
  if (!settings.backends[req.agent].enabled) {
    throw new HappierError('BACKEND_DISABLED', `the ${req.agent} backend is turned off in settings`, {
      hint: `turn it on with \`happier settings set backends.${req.agent}.enabled true\``,
    });
  }
  if (!deps.isDirectory(req.cwd)) {
    throw new HappierError('PATH_MISSING', `${req.cwd} is not a directory`, { hint: 'pass an existing directory with --cwd' });
  }
  const provider = await deps.loadProvider(req.agent);
  const id = deps.newId();
  const given = ID_GIVEN_UP_FRONT[req.agent] ? deps.newId() : null;
  const spec = provider.launchCommand(deps.providerContext, {
    cwd: req.cwd,
    ...(given ? { vendorSessionId: given } : {}),
    extraArgs: req.extraArgs,
  });
  const sessionName = tmuxSessionName(id);
  const started = deps.clock.now();
  const at = started.toISOString();
  const backend: Backend = req.agent === 'codex' ? settings.backends.codex.path : 'cli';
  const inserted = deps.sessions.insert({
    id,
    agent: req.agent,
    backend,
    vendorSessionId: given,
    title: req.title,
    cwd: req.cwd,
    ownerMachineId: deps.selfMachineId,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    terminal: { kind: 'tmux', sessionName, socket: deps.tmux.socket },
  });
  let terminal: TmuxTerminal;
  try {
    terminal = await startProviderInTmux(deps, {
      agent: req.agent,
      sessionName,
      title: req.title,
      spec,
      label: req.agent,
      hint: `check that \`${spec.bin}\` starts from ${req.cwd}; no session was created`,
    });
  } catch (err) {
    deps.sessions.remove(id);
    throw err;
  }
  // Recorded once the pane runs: only then is the server's life known.
  const session = deps.sessions.update(inserted.id, (s) => ({ ...s, terminal }));
  const vendorId = given
    ? Promise.resolve(given)
    : discoverVendorId(deps, req.agent, provider.root(deps.providerContext), { cwd: req.cwd, since: started }, req.signal).then((found) => {
        if (found) {
          const now = deps.clock.now().toISOString();
          deps.sessions.update(id, (s) => (s.vendorSessionId ? s : { ...s, vendorSessionId: found, updatedAt: now }));
        }
        return found;
      });
  return { session, sessionName, vendorId };
}
