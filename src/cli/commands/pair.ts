import { Command } from 'commander';
import { HappierError } from '../../domain/errors.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { formatPairingTable, untilText } from '../output/server-output.js';
import { sanitize } from '../../domain/text-width.js';
import { PAIR_TTL_DEFAULT_SEC, PAIR_TTL_MAX_SEC } from '../../server/code-rules.js';
import { openClient } from './server.js';

const service = () => import('../../pairing/pairing-service.js');

export function pairCommand(ctx: CliContext): Command {
  const cmd = new Command('pair').description('device handoff: short codes that open a session on another device');

  cmd
    .command('issue <id>')
    .description('print a single-use code that opens this session on another device')
    .option('--ttl <seconds>', 'how long the code stays valid', String(PAIR_TTL_DEFAULT_SEC))
    .option('--json', 'JSON envelope on stdout')
    .action(async (selector: string, opts: { ttl: string; json?: boolean }) => {
      const ttlSec = Number(opts.ttl);
      if (!Number.isInteger(ttlSec) || ttlSec < 1 || ttlSec > PAIR_TTL_MAX_SEC) {
        throw new HappierError('USAGE', `--ttl must be a whole number of seconds from 1 to ${PAIR_TTL_MAX_SEC}`);
      }
      const [{ issuePairing }, sync, store] = await Promise.all([service(), openClient(ctx), ctx.store()]);
      const session = store.sessions.resolve(selector);
      const owner = store.machines.get(session.ownerMachineId);
      const presence = await sync.presence();
      const ownerPresence = presence.find((p) => p.machineId === session.ownerMachineId);
      const issued = await issuePairing(sync, {
        session,
        ttlSec,
        // The names the account knows (from `server connect --name`) mean the same on every device.
        ownerName: ownerPresence?.name ?? owner?.name ?? session.ownerMachineId,
        selfName: presence.find((p) => p.machineId === store.registry.machineId)?.name ?? store.machines.self().name,
        ownerSshTarget: ownerPresence?.sshTarget ?? owner?.sshTarget ?? null,
        now: ctx.io.now(),
      });
      const data = { code: issued.code.text, sessionId: session.id, expiresAt: issued.expiresAt, ttlSec: issued.ttlSec };
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, data) + '\n');
      ctx.out(`${data.code}\n`);
      ctx.note(`expires ${untilText(data.expiresAt, ctx.io.now())} (${data.expiresAt}); on the other device run: happier pair claim ${data.code}`);
    });

  const claim = cmd
    .command('claim <code>')
    .description('open the session a code points to: attach here, or through `ssh -t` to its owner')
    .option('--print', 'print the command instead of running it; the code stays unused')
    .option('--json', 'JSON envelope with the session and the command, without running it; the code stays unused')
    .action(async (code: string, opts: { print?: boolean; json?: boolean }) => {
      const [{ claimPairing }, { planClaim }, sync, store] = await Promise.all([
        service(),
        import('../../pairing/claim-plan.js'),
        openClient(ctx),
        ctx.store(),
      ]);
      // Printing changes nothing: the code stays claimable until it is really opened.
      const ticket = await claimPairing(sync, code, { peek: !!(opts.print || opts.json) });
      const sshConfig = ctx.io.env.HAPPIER_SSH_CONFIG;
      const plan = planClaim(ticket, store.registry.machineId, store.machines.list(), sshConfig ? { sshConfig } : {});
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, { session: ticket.session, source: ticket.source, route: ticket.route, plan }) + '\n');
      if (opts.print) return ctx.out(plan.argv.join(' ') + '\n');
      // The ticket's text comes from another device; it never reaches the terminal unsanitised.
      ctx.note(`opening "${sanitize(ticket.session.title) || ticket.session.id}" from ${sanitize(ticket.source.name)}`);
      if (plan.kind === 'local') return attachHere(ctx, claim, plan.sessionId, plan.argv);
      await runInherited(plan.argv, ticket.route.ownerName, plan.target, ctx.io.env);
    });

  cmd
    .command('revoke <code>')
    .description('cancel a code before anyone claims it (the whole code or its first group)')
    .option('--json', 'JSON envelope on stdout')
    .action(async (code: string, opts: { json?: boolean }) => {
      const [{ revokePairing }, sync] = await Promise.all([service(), openClient(ctx)]);
      const r = await revokePairing(sync, code);
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, r) + '\n');
      ctx.out(`revoked\n`);
    });

  cmd
    .command('list')
    .description('codes issued by this account: issued, claimed, revoked or expired')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const [{ listPairings }, sync] = await Promise.all([service(), openClient(ctx)]);
      const pairings = await listPairings(sync);
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, { pairings }) + '\n');
      if (pairings.length === 0) return ctx.note('no pairing codes yet; `happier pair issue <id>` makes one');
      ctx.out(formatPairingTable(pairings, { now: ctx.io.now(), width: outputWidth(ctx.io), chalk: ctx.chalk }));
    });
  return cmd;
}

/** Runs the terminal layer's own `attach` command when this build has one. */
async function attachHere(ctx: CliContext, from: Command, sessionId: string, argv: readonly string[]): Promise<void> {
  let root = from;
  while (root.parent) root = root.parent;
  const attach = root.commands.find((c) => c.name() === 'attach');
  if (!attach) {
    ctx.note('this session runs on this machine; attach to it with:');
    ctx.out(argv.join(' ') + '\n');
    return;
  }
  await attach.parseAsync([sessionId], { from: 'user' });
}

async function runInherited(argv: readonly string[], owner: string, target: string, env: CliContext['io']['env']): Promise<void> {
  const [{ runOnTerminal }, { sshRunFailure }] = await Promise.all([import('../../../shell/interactive-runner.js'), import('../../transfer/ssh/ssh-run-failure.js')]);
  const { code, stderr } = await runOnTerminal(argv[0]!, argv.slice(1), env, { keepStderr: true });
  if (code === 0) return;
  if (code === 127) throw new HappierError('SSH_FAILED', `could not run ${argv[0]}`, { hint: 'install the OpenSSH client (`ssh`) and put it on PATH' });
  if (code === 255) {
    throw (
      sshRunFailure(stderr, owner, target) ??
      new HappierError('MACHINE_OFFLINE', `${owner}, which owns the session, cannot be reached over ssh`, {
        hint: `check that ${owner} is on and its SSH server runs (\`happier machine ping ${owner}\`), then claim a new code`,
        details: { machine: owner },
      })
    );
  }
  throw new HappierError('NOT_ATTACHABLE', `happier on ${owner} could not open the session (exit ${code})`, {
    hint: `its reason is printed above; run it there yourself: ${argv.join(' ')}`,
    details: { reason: 'remote-failed', machine: owner, exitCode: code },
  });
}
