import type { Agent, Backend } from './agent.js';
import type { NewSession, DirectSession } from './session.js';
import type { Settings } from './settings.js';

/** The backend a taken-over session gets: Codex follows its configured path; the others have only their CLI. */
export function backendForTakeover(agent: Agent, settings: Settings): Backend {
  return agent === 'codex' ? settings.backends.codex.path : 'cli';
}

/**
 * "Take over + Sync": the synced session that adopts a direct one. It keeps the vendor id
 * (so resume reopens that very conversation) and takes its cwd and title from discovery;
 * the provider's own files are never touched. The session is new to happier, so it is
 * created and updated now, while its last activity is the transcript's.
 */
export function takeoverSession(
  direct: DirectSession,
  opts: { readonly id: string; readonly machineId: string; readonly settings: Settings; readonly now: Date },
): NewSession {
  const now = opts.now.toISOString();
  return {
    id: opts.id,
    agent: direct.agent,
    backend: backendForTakeover(direct.agent, opts.settings),
    vendorSessionId: direct.vendorSessionId,
    title: direct.title,
    cwd: direct.cwd,
    ownerMachineId: opts.machineId,
    createdAt: now,
    updatedAt: now,
    lastActivityAt: direct.updatedAt,
  };
}
