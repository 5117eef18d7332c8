import { Command } from 'commander';
import { HappierError } from '../../domain/errors.js';
import type { CliContext } from '../context.js';
import { packageInfo } from '../package-info.js';

/** `happier agent --stdio`: the peer side of SSH transfers, started by another machine's happier. */
export function agentCommand(ctx: CliContext): Command {
  return new Command('agent')
    .description('serve the transfer protocol on stdin/stdout (started over SSH by another machine)')
    .option('--stdio', 'speak the protocol on stdin and stdout')
    .action(async (opts: { stdio?: boolean }) => {
      if (!opts.stdio) throw new HappierError('USAGE', 'happier agent needs --stdio', { hint: 'it is started by happier on another machine, not by people' });
      let machineId: string | null = null;
      try {
        machineId = (await ctx.store()).registry.machineId;
      } catch {
        // A broken registry must not stop file transfers; the peer then sees no machine id.
      }
      const [{ serveAgent }, { registerHandoffHandlers }, { targetDeps }] = await Promise.all([
        import('../../transfer/agent/agent-server.js'),
        import('../../handoff/target-handlers.js'),
        import('../handoff-wiring.js'),
      ]);
      let target: ReturnType<typeof targetDeps> | undefined;
      await serveAgent(process.stdin, process.stdout, {
        version: packageInfo().version,
        flavor: 'installed',
        env: ctx.io.env,
        machineId: () => machineId,
        // Taking a handed-off session needs the registry, which only the installed agent has.
        extend: (reg) => registerHandoffHandlers(reg, () => (target ??= targetDeps(ctx))),
      });
      process.stdin.destroy();
    });
}
