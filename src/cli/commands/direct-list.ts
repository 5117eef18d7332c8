import { Command, Option } from 'commander';
import { AGENTS, type Agent } from '../../domain/agent.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { scanDirect } from '../direct-sessions.js';
import { directSessionJson, formatDirectTable, type DirectRow } from '../output/direct-table.js';
import { okEnvelope } from '../output/json-envelope.js';

export function directListCommand(ctx: CliContext): Command {
  return new Command('list')
    .alias('ls')
    .description('list the provider sessions on this machine, most recent first')
    .addOption(new Option('--agent <agent>', 'only this provider').choices(AGENTS))
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { agent?: Agent; json?: boolean }) => {
      const store = await ctx.store();
      const scan = await scanDirect(ctx, opts.agent ? [opts.agent] : AGENTS);
      const owned = new Map(
        store.sessions
          .list({ archived: 'all' })
          .filter((s) => s.vendorSessionId)
          .map((s) => [`${s.agent}:${s.vendorSessionId!.toLowerCase()}`, s.id]),
      );
      const rows: DirectRow[] = scan.sessions.map((session) => ({
        session,
        takenOver: owned.get(`${session.agent}:${session.vendorSessionId.toLowerCase()}`) ?? null,
      }));
      if (opts.json || ctx.json) {
        ctx.out(okEnvelope('direct_list', { directSessions: rows.map(directSessionJson), warnings: scan.warnings }) + '\n');
        return;
      }
      for (const w of scan.warnings) ctx.note(`warning: ${w.message}`);
      if (rows.length === 0) {
        ctx.note('no provider sessions found on this machine');
        return;
      }
      ctx.out(formatDirectTable(rows, { now: ctx.io.now(), width: outputWidth(ctx.io), home: ctx.io.homeDir, chalk: ctx.chalk }));
    });
}
