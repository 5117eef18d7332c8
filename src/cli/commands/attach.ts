import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { lifecycleDeps } from '../lifecycle-wiring.js';
import { okEnvelope } from '../output/json-envelope.js';
import { canAttach } from './session-started.js';
import { commandLine } from '../../../shell/ssh-line.js';
import type { RemotePlan } from '../../lifecycle/remote-session.js';

/** What `attach` or `resume` of a session owned elsewhere prints: the ssh line under --dry-run. */
export function printRemote(ctx: CliContext, plan: RemotePlan, json: boolean, dryRun: boolean): void {
  if (json) ctx.out(okEnvelope(ctx.kind, { plan, dryRun }) + '\n');
  else if (dryRun) ctx.out(plan.line + '\n');
}

export function attachCommand(ctx: CliContext): Command {
  return new Command('attach')
    .description("reconnect this terminal to a running session's tmux session")
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--dry-run', 'print the command it would run (ssh -t for a session another machine owns) and run nothing')
    .option('--json', 'errors as a JSON envelope on stdout')
    .action(async (selector: string, opts: { json?: boolean; dryRun?: boolean }) => {
      const deps = await lifecycleDeps(ctx);
      const session = deps.sessions.resolve(selector);
      if (session.ownerMachineId !== deps.selfMachineId) {
        const { planRemote, runRemote } = await import('../../lifecycle/remote-session.js');
        const remote = planRemote(deps, session, 'attach');
        if (!opts.dryRun) await runRemote(deps, session, remote, { hasTerminal: canAttach(ctx) });
        return printRemote(ctx, remote, !!opts.json, !!opts.dryRun);
      }
      const { attachSession, planAttach, refusal } = await import('../../lifecycle/attach-session.js');
      if (opts.dryRun) {
        const plan = await planAttach(deps, session);
        if (plan.kind === 'not-attachable') throw refusal(plan);
        if (opts.json) ctx.out(okEnvelope(ctx.kind, { plan, dryRun: true }) + '\n');
        else ctx.out(commandLine([plan.bin, ...plan.args]) + '\n');
        return;
      }
      const { plan } = await attachSession(deps, selector, { hasTerminal: canAttach(ctx) });
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { plan }) + '\n');
      else if (plan.kind === 'tmux' && plan.mode === 'switch') ctx.note(`switched this tmux client to ${plan.sessionName}`);
    });
}
