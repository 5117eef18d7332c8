import type { LaunchSpec } from '../provider.js';
import { assertCodexSessionId } from './codex-session-id.js';

/**
 * The interactive TUI otherwise starts a shared `codex app-server` daemon that outlives
 * the session, so `happier stop` would leave a process behind (PROVIDERS.md).
 */
const NO_DAEMON = '--no-daemon';

/** A new interactive session; Codex mints the id itself and writes it into the rollout. */
export function codexLaunchSpec(bin: string, opts: { cwd: string; extraArgs?: readonly string[] }): LaunchSpec {
  return { bin, args: [NO_DAEMON, ...(opts.extraArgs ?? [])], cwd: opts.cwd };
}

/**
 * Reopens exactly one conversation. Never `--last`: it filters by cwd and silently starts a
 * new session when nothing matches. `exec resume` uses the process cwd, so the spec carries it.
 */
export function codexResumeSpec(bin: string, opts: { cwd: string; vendorSessionId: string; message?: string }): LaunchSpec {
  const id = assertCodexSessionId(opts.vendorSessionId);
  if (opts.message === undefined) return { bin, args: ['resume', NO_DAEMON, id], cwd: opts.cwd };
  // A prompt that starts with `-` would otherwise be parsed as an option.
  const prompt = opts.message.startsWith('-') ? ['--', opts.message] : [opts.message];
  return { bin, args: ['exec', '--skip-git-repo-check', 'resume', id, ...prompt], cwd: opts.cwd };
}
