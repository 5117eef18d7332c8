import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { AGENTS, type Agent } from '../../domain/agent.js';
import { takeoverSession } from '../../domain/direct-takeover.js';
import { HappierError } from '../../domain/errors.js';
import type { ProcessProbe } from '../../domain/live-writer.js';
import type { DirectSession } from '../../domain/session.js';
import { viewSession } from '../../domain/session-view.js';
import type { CliContext } from '../context.js';
import { findDirect } from '../direct-sessions.js';
import { directWriter } from '../direct-writer.js';
import { okEnvelope } from '../output/json-envelope.js';
import { sessionJson } from '../output/session-json.js';

export function directTakeoverCommand(ctx: CliContext): Command {
  return new Command('takeover')
    .description('take a provider session over: happier owns and can resume it from now on (its files are not changed)')
    .argument('<vendor-id>', "the provider's session id (see `happier direct list`)")
    .addOption(new Option('--agent <agent>', 'the provider, when the id could be either').choices(AGENTS))
    .option('--json', 'JSON envelope on stdout')
    .action(async (vendorId: string, opts: { agent?: Agent; json?: boolean }) => {
      const found = await findDirect(ctx, vendorId, opts.agent);
      const { procProcessProbe } = await import('../../providers/proc-process-probe.js');
      const session = await takeOver(ctx, found.session, procProcessProbe());
      const view = viewSession(session, await ctx.viewContext([]));
      if (opts.json || ctx.json) {
        ctx.out(okEnvelope('direct_takeover', { session: sessionJson(view) }) + '\n');
        return;
      }
      ctx.out(`took over ${session.agent} session ${session.vendorSessionId}\n`);
      ctx.out(`happier id    ${session.id}\n`);
      ctx.note(`hint: resume it with \`happier resume ${session.id.slice(0, 8)}\``);
    });
}

function alreadyTaken(direct: DirectSession, happierId: string): HappierError {
  return new HappierError('CONFLICT', `${direct.agent} session ${direct.vendorSessionId} is already taken over as ${happierId}`, {
    hint: `see it with \`happier session show ${happierId}\``,
    details: { sessionId: happierId },
  });
}

/** Checks, then records the synced session; the provider's files are only read, never written. */
export async function takeOver(ctx: CliContext, direct: DirectSession, probe: ProcessProbe) {
  const store = await ctx.store();
  const existing = store.sessions.findByVendorId(direct.agent, direct.vendorSessionId);
  if (existing) throw alreadyTaken(direct, existing.id);
  if (!direct.cwd) {
    // Resume runs the provider from the session's cwd; without one it could never resume.
    throw new HappierError('PATH_MISSING', `${direct.agent} session ${direct.vendorSessionId} records no working directory`, {
      hint: 'resume it once with the provider itself from its project directory, then take it over',
    });
  }

  const writer = await directWriter(ctx, direct, probe);
  if (writer) {
    // The command shows which one: a TUI, or a daemon it left behind (Codex's app-server).
    const command = writer.command && writer.command.length > 80 ? `${writer.command.slice(0, 79)}…` : writer.command;
    const who =
      writer.pid === null ? 'its transcript was written moments ago' : `process ${writer.pid}${command ? ` (${command})` : ''} is running it`;
    throw new HappierError('ALREADY_ACTIVE', `${direct.agent} session ${direct.vendorSessionId} is in use: ${who}`, {
      hint: `quit that ${direct.agent} (or end process ${writer.pid ?? 'that wrote it'}) first, then take the session over`,
      details: { pid: writer.pid, reason: writer.reason, command: writer.command },
    });
  }

  const next = takeoverSession(direct, {
    id: randomUUID(),
    machineId: store.registry.machineId,
    settings: store.settings.settings(),
    now: ctx.io.now(),
  });
  return store.registry.write(() => {
    // Checked again under the write lock: two takeovers at once must not both succeed.
    const raced = store.sessions.findByVendorId(direct.agent, direct.vendorSessionId);
    if (raced) throw alreadyTaken(direct, raced.id);
    return store.sessions.insert(next);
  });
}
