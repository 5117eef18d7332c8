import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import type { LaunchSpec, ProviderContext } from '../provider.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Claude's session ids are UUIDs; anything else could smuggle flags into the argv. */
export function isClaudeSessionId(id: string): boolean {
  return UUID.test(id);
}

export function assertClaudeSessionId(id: string): string {
  if (!isClaudeSessionId(id)) {
    throw new HappierError('USAGE', `not a Claude session id: ${JSON.stringify(id)}`, {
      hint: 'Claude session ids are UUIDs, e.g. 123e4567-e89b-12d3-a456-426614174000',
    });
  }
  return id.toLowerCase();
}

/** CLAUDE_CONFIG_DIR, else ~/.claude. */
export function claudeRoot(ctx: ProviderContext): string {
  return ctx.env.CLAUDE_CONFIG_DIR || join(ctx.homeDir, '.claude');
}

export function claudeBinary(ctx: ProviderContext): string {
  return ctx.env.HAPPIER_CLAUDE_BIN || 'claude';
}

/** `claude --session-id <uuid>`: Claude takes its id up front, so happier knows it from the start. */
export function claudeLaunchCommand(
  ctx: ProviderContext,
  opts: { cwd: string; vendorSessionId?: string; extraArgs?: readonly string[] },
): LaunchSpec {
  const args = opts.vendorSessionId ? ['--session-id', assertClaudeSessionId(opts.vendorSessionId)] : [];
  return { bin: claudeBinary(ctx), args: [...args, ...(opts.extraArgs ?? [])], cwd: opts.cwd };
}

/**
 * `claude --resume <uuid>` (interactive) or `claude -p --resume <uuid> <msg>`. Claude looks
 * the id up only under the slug of the current cwd, so `cwd` must be the session's.
 */
export function claudeResumeCommand(
  ctx: ProviderContext,
  opts: { cwd: string; vendorSessionId: string; message?: string },
): LaunchSpec {
  const id = assertClaudeSessionId(opts.vendorSessionId);
  const args = opts.message === undefined ? ['--resume', id] : ['-p', '--resume', id, opts.message];
  return { bin: claudeBinary(ctx), args, cwd: opts.cwd };
}
