import { Command } from 'commander';
import { doctorExitCode, type Finding } from '../../domain/doctor-finding.js';
import { wrapLine } from '../../domain/text-wrap.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** Each finding on its own lines, wrapped to `width` under its mark (null: never wrapped). */
export function formatFindings(
  findings: readonly Finding[],
  paint: (status: Finding['status'], s: string) => string,
  width: number | null = null,
): string {
  const wrap = (text: string, hang: number) => (width === null ? [text] : wrapLine(text, width, hang));
  return findings
    .map((f) => {
      const [first, ...rest] = wrap(`${MARK[f.status]}  ${f.check}: ${f.summary}`, 6);
      const fix = f.fix ? wrap(`      fix: ${f.fix}`, 11) : [];
      return [paint(f.status, first!.slice(0, 4)) + first!.slice(4), ...rest, ...fix].join('\n') + '\n';
    })
    .join('');
}

export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .description('check tmux, ssh, the provider CLIs, the registry, interrupted handoffs, the machines and the server')
    .option('--fix', 'finish or undo interrupted handoffs, then check again')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { fix?: boolean; json?: boolean }) => {
      const fixed = opts.fix ? await fixHandoffs(ctx) : [];
      const findings = await runChecks(ctx);
      const code = doctorExitCode(findings);
      if (opts.json) {
        ctx.out(okEnvelope('doctor', { healthy: code === 0, fixed, findings }) + '\n');
      } else {
        const c = ctx.chalk;
        for (const f of fixed) ctx.out(`fixed handoff ${f.handoffId.slice(0, 8)} of ${f.sessionId.slice(0, 8)}: ${f.result} (${f.message})\n`);
        ctx.out(formatFindings(findings, (s, t) => (s === 'ok' ? c.green(t) : s === 'warn' ? c.yellow(t) : c.red(t)), outputWidth(ctx.io)));
      }
      ctx.exitCode = code;
    });
}

async function runChecks(ctx: CliContext): Promise<Finding[]> {
  const [{ checkProviders, checkRegistry, checkSsh, checkTmux }, { checkInterruptedHandoffs }, { checkMachines, checkServer }, { nodeProcessRunner }] =
    await Promise.all([
      import('../doctor/basic-checks.js'),
      import('../doctor/handoff-check.js'),
      import('../doctor/peer-checks.js'),
      import('../../../shell/node-process-runner.js'),
    ]);
  const env = ctx.io.env;
  const registry = checkRegistry(ctx.home);
  // Machines and the server need the registry; a broken one is already the finding that matters.
  const registryUsable = registry.status !== 'fail';
  const [tmux, ssh, providers, handoffs, machines, server] = await Promise.all([
    checkTmux(env, nodeProcessRunner),
    checkSsh(env, nodeProcessRunner),
    checkProviders(env, nodeProcessRunner, ctx.io.homeDir),
    checkInterruptedHandoffs(ctx.home),
    registryUsable ? checkMachines(ctx) : Promise.resolve([]),
    registryUsable ? checkServer(ctx).then((f) => [f]) : Promise.resolve([]),
  ]);
  return [tmux, ssh, ...providers, registry, ...handoffs, ...machines, ...server];
}

async function fixHandoffs(ctx: CliContext) {
  const [{ handoffDeps }, { recoverOpenHandoffs }] = await Promise.all([
    import('../handoff-wiring.js'),
    import('../../handoff/handoff-recovery.js'),
  ]);
  const { deps, close } = await handoffDeps(ctx, async () => false);
  try {
    return await recoverOpenHandoffs(deps);
  } finally {
    await close();
  }
}
