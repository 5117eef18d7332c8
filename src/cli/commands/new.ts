import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { AGENTS, type Agent } from '../../domain/agent.js';
import type { CliContext } from '../context.js';
import { lifecycleDeps } from '../lifecycle-wiring.js';
import { sanitize } from '../../domain/text-width.js';
import { attachOrSayHow, printStarted } from './session-started.js';

interface NewOptions {
  agent: Agent;
  cwd?: string;
  title?: string;
  detached?: boolean;
  json?: boolean;
}

export function newCommand(ctx: CliContext): Command {
  return new Command('new')
    .description('start a provider in a new session, in tmux, and attach to it')
    .addOption(new Option('--agent <agent>', 'the provider to run').choices(AGENTS).default('claude'))
    .option('--cwd <path>', 'the directory to start in (default: the current one)')
    .option('--title <title>', 'a title for the session')
    .option('--detached', 'start it without attaching')
    .option('--json', 'JSON envelope on stdout (implies --detached)')
    .argument('[providerArgs...]', 'arguments for the provider, after --')
    .action(async (providerArgs: string[], opts: NewOptions) => {
      const deps = await lifecycleDeps(ctx);
      const { startNewSession } = await import('../../lifecycle/start-new-session.js');
      const giveUp = new AbortController();
      const started = await startNewSession(deps, {
        agent: opts.agent,
        cwd: resolve(ctx.io.cwd, opts.cwd ?? '.'),
        title: opts.title?.trim() ?? '',
        extraArgs: providerArgs,
        signal: giveUp.signal,
      });
      const { session, sessionName } = started;
      if (!opts.json) ctx.note(`started ${session.id} (${opts.agent}) in tmux session ${sessionName}${session.title ? `: ${sanitize(session.title)}` : ''}`);
      // The id may only appear once the user talks to the provider, so the search goes on while attached.
      let known = false;
      const settle = () => (known = true);
      void started.vendorId.then(settle, settle);
      try {
        await attachOrSayHow(ctx, deps, session, { detached: !!opts.detached, json: !!opts.json });
      } catch (err) {
        giveUp.abort();
        await started.vendorId.catch(() => null);
        throw err;
      }
      if (!known && !opts.json) {
        const limit = Math.round(deps.timing.vendorIdTimeoutMs / 1000);
        ctx.note(`waiting for ${opts.agent} to write its session id (at most ${limit} s after the start)…`);
      }
      const vendorId = await started.vendorId;
      if (opts.json) await printStarted(ctx, deps, session.id, sessionName);
      else if (!vendorId) {
        ctx.note(`${opts.agent} did not report its session id in time; the session shows no(missing-id) and cannot be resumed`);
      }
    });
}
