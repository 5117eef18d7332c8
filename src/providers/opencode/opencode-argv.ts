import type { LaunchSpec } from '../provider.js';
import { assertOpencodeSessionId } from './opencode-session-id.js';

/** A new TUI session in `cwd`; OpenCode reports the id later, in its database. */
export function opencodeLaunchSpec(bin: string, opts: { cwd: string; extraArgs?: readonly string[] }): LaunchSpec {
  return { bin, args: [...(opts.extraArgs ?? [])], cwd: opts.cwd };
}

/**
 * Reopens exactly one session. It must run from the session's directory (or get `--dir`):
 * from anywhere else OpenCode sends the history and then hangs.
 */
export function opencodeResumeSpec(bin: string, opts: { cwd: string; vendorSessionId: string; message?: string }): LaunchSpec {
  const id = assertOpencodeSessionId(opts.vendorSessionId);
  if (opts.message === undefined) return { bin, args: ['--session', id], cwd: opts.cwd };
  // A prompt that starts with `-` would otherwise be parsed as an option.
  const prompt = opts.message.startsWith('-') ? ['--', opts.message] : [opts.message];
  return { bin, args: ['run', '--session', id, '--dir', opts.cwd, ...prompt], cwd: opts.cwd };
}
