import { HappierError, exitCodeFor, isHappierError } from '../domain/errors.js';
import type { CliContext } from './context.js';
import { errorEnvelope } from './output/json-envelope.js';
import { hintFor } from '../domain/error-hints.js';

/**
 * Turns a failure into what the user sees (the JSON envelope, or an `error:` line, the
 * candidates and a hint on stderr) and returns the exit code. Anything not a HappierError
 * is INTERNAL: a stack trace is shown only with HAPPIER_DEBUG=1.
 */
export function reportFailure(ctx: CliContext, err: unknown): number {
  const known = isHappierError(err) ? err : undefined;
  const shown = known ?? new HappierError('INTERNAL', `unexpected failure: ${(err as Error)?.message ?? String(err)}`);
  if (ctx.json) {
    ctx.out(errorEnvelope(ctx.kind, shown) + '\n');
  } else {
    ctx.note(`error: ${shown.message}`);
    const candidates = shown.details.candidates;
    if (Array.isArray(candidates)) {
      for (const c of candidates as { id: string; title: string }[]) ctx.note(`  ${c.id}  ${c.title}`);
    }
    ctx.note(`hint: ${hintFor(shown)}`);
  }
  if (ctx.io.env.HAPPIER_DEBUG === '1' && err instanceof Error && err.stack) ctx.note(err.stack);
  return known ? exitCodeFor(known.code) : 1;
}
