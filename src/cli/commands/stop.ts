import { Command } from 'commander';
import type { StopOutcome } from '../../../shell/tmux/tmux-stop.js';
import type { CliContext } from '../context.js';
import { lifecycleDeps } from '../lifecycle-wiring.js';
import { okEnvelope } from '../output/json-envelope.js';

const SAID: Record<StopOutcome, string> = {
  'not-running': 'was not running',
  graceful: 'quit when asked',
  interrupted: 'stopped on SIGINT',
  killed: 'did not quit when asked; its tmux session was closed',
};

export function stopCommand(ctx: CliContext): Command {
  return new Command('stop')
    .description("stop a running session's provider: politely first, then by force")
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--json', 'JSON envelope on stdout')
    .action(async (selector: string, opts: { json?: boolean }) => {
      const deps = await lifecycleDeps(ctx);
      const { stopSession } = await import('../../lifecycle/stop-session.js');
      const { session, outcome } = await stopSession(deps, selector);
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { id: session.id, stopped: outcome !== 'not-running', outcome }) + '\n');
      else ctx.note(`${session.id.slice(0, 8)} (${session.agent}) ${SAID[outcome]}`);
    });
}
