import { Command, Option } from 'commander';
import { AGENTS } from '../../domain/agent.js';
import type { CliContext } from '../context.js';
import { listSessions, type ListOptions } from './list-sessions.js';

export function sessionListCommand(ctx: CliContext): Command {
  return new Command('list')
    .alias('ls')
    .description('list sessions, most recently updated first')
    .option('--resumable', 'only sessions that `happier resume` can reopen now')
    .option('--active', 'only sessions whose provider is running')
    .addOption(new Option('--archived', 'only archived sessions').conflicts('all'))
    .option('--all', 'archived and live sessions')
    .addOption(new Option('--agent <agent>', 'only this provider').choices(AGENTS))
    .addOption(new Option('--plain', 'one line per session: id agent active|inactive path').conflicts('json'))
    .option('--json', 'JSON envelope on stdout')
    .option('--everywhere', 'also the sessions of the other machines of the account (needs the sync server)')
    .action(async (opts: ListOptions) =>
      opts.everywhere ? (await import('./session-list-everywhere.js')).listEverywhere(ctx, opts) : listSessions(ctx, opts),
    );
}
