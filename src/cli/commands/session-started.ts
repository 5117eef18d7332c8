import { viewSession } from '../../domain/session-view.js';
import type { Session } from '../../domain/session.js';
import type { LifecycleDeps } from '../../lifecycle/lifecycle-deps.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { sessionJson } from '../output/session-json.js';

/** Whether this run can hand its terminal to tmux: both ends must be a terminal. */
export function canAttach(ctx: CliContext): boolean {
  return ctx.io.stdinIsTTY && !!ctx.io.stdout.isTTY;
}

/** The JSON a started or resumed session reports: the session as `session show` has it, plus its tmux session. */
export async function printStarted(ctx: CliContext, deps: LifecycleDeps, id: string, tmuxSession: string): Promise<void> {
  const session: Session = deps.sessions.get(id)!;
  const view = viewSession(session, await ctx.viewContext([session]));
  ctx.out(okEnvelope(ctx.kind, { session: sessionJson(view), tmuxSession }) + '\n');
}

/** After a start: attach when the user can and wants to, else say how to. */
export async function attachOrSayHow(
  ctx: CliContext,
  deps: LifecycleDeps,
  session: Session,
  opts: { detached: boolean; json: boolean },
): Promise<void> {
  const short = session.id.slice(0, 8);
  if (opts.json) return;
  if (opts.detached || !canAttach(ctx)) {
    ctx.note(`attach with \`happier attach ${short}\`; stop with \`happier stop ${short}\``);
    return;
  }
  const { attachSession } = await import('../../lifecycle/attach-session.js');
  await attachSession(deps, session.id, { hasTerminal: true });
}
