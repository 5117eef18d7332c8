import { CommanderError } from 'commander';
import { HappierError } from '../domain/errors.js';
import { processIO, type CliIO } from './cli-io.js';
import { CliContext } from './context.js';
import { errorEnvelope } from './output/json-envelope.js';
import { ERROR_HINTS } from '../domain/error-hints.js';
import { CANCEL_EXIT, isPromptCancel } from './prompt-cancel.js';
import { reportFailure } from './report-failure.js';
import { fastListOptions, runFastList } from './session-list-fast.js';

/** Runs one command line and returns its exit code; never throws. */
export async function execute(args: readonly string[], io: CliIO): Promise<number> {
  const ctx = new CliContext(io);
  if (args[0] === '__complete') {
    const { runComplete } = await import('./completion/run-complete.js');
    await runComplete(ctx, args.slice(1));
    await ctx.close();
    return 0;
  }
  ctx.json = args.includes('--json') || args.includes('--jsonl');
  try {
    const fast = fastListOptions(args);
    if (fast && (await runFastList(ctx, fast))) return ctx.exitCode;
    // Loaded on demand: the command tree is most of start-up, and the list above needs none of it.
    const { buildProgram } = await import('./program.js');
    await buildProgram(ctx).parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return report(ctx, err);
  } finally {
    await ctx.close();
  }
}

function report(ctx: CliContext, err: unknown): number {
  if (isPromptCancel(err)) {
    if (!ctx.json) ctx.note('cancelled');
    return CANCEL_EXIT;
  }
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
    // commander has already printed its own `error:` line.
    const usage = new HappierError('USAGE', err.message.replace(/^error: /, ''));
    if (ctx.json) ctx.out(errorEnvelope(ctx.kind, usage) + '\n');
    else ctx.note(`hint: ${ERROR_HINTS.USAGE}`);
    return 2;
  }
  return reportFailure(ctx, err);
}

export async function runCli(args: readonly string[]): Promise<void> {
  const code = await execute(args, processIO());
  process.exitCode = code;
}
