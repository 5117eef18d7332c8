import { Command } from 'commander';
import { doctorExitCode, type Finding } from '../../domain/doctor-finding.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function formatFindings(findings: readonly Finding[], paint: (status: Finding['status'], s: string) => string): string {
  return findings
    .map((f) => `${paint(f.status, MARK[f.status])}  ${f.check}: ${f.summary}${f.fix ? `\n      fix: ${f.fix}` : ''}\n`)
    .join('');
}

export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .description('check tmux, ssh, the provider CLIs, the registry and the configured machines')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const [{ checkProviders, checkRegistry, checkSsh, checkTmux }, { nodeProcessRunner }] = await Promise.all([
        import('../doctor/basic-checks.js'),
        import('../../../shell/node-process-runner.js'),
      ]);
      const env = ctx.io.env;
      const [tmux, ssh, providers] = await Promise.all([
        checkTmux(env, nodeProcessRunner),
        checkSsh(env, nodeProcessRunner),
        checkProviders(env, nodeProcessRunner),
      ]);
      const findings = [tmux, ssh, ...providers, checkRegistry(ctx.home), ...(await (await import('../doctor/handoff-check.js')).checkInterruptedHandoffs(ctx.home))];
      const code = doctorExitCode(findings);
      if (opts.json) {
        ctx.out(okEnvelope('doctor', { healthy: code === 0, findings }) + '\n');
      } else {
        const c = ctx.chalk;
        ctx.out(formatFindings(findings, (s, t) => (s === 'ok' ? c.green(t) : s === 'warn' ? c.yellow(t) : c.red(t))));
      }
      ctx.exitCode = code;
    });
}
