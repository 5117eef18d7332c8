import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { lifecycleDeps } from '../lifecycle-wiring.js';
import { okEnvelope } from '../output/json-envelope.js';
import { canAttach } from './session-started.js';

export function attachCommand(ctx: CliContext): Command {
  return new Command('attach')
    .description("reconnect this terminal to a running session's tmux session")
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--json', 'errors as a JSON envelope on stdout')
    .action(async (selector: string, opts: { json?: boolean }) => {
      const deps = await lifecycleDeps(ctx);
      const { attachSession } = await import('../../lifecycle/attach-session.js');
      const { plan } = await attachSession(deps, selector, { hasTerminal: canAttach(ctx) });
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { plan }) + '\n');
      else if (plan.kind === 'tmux' && plan.mode === 'switch') ctx.note(`switched this tmux client to ${plan.sessionName}`);
    });
}
