import { CommanderError } from 'commander';
import { homedir } from 'node:os';
import { HappierError, exitCodeFor, isHappierError } from '../domain/errors.js';
import type { CliIO } from './cli-io.js';
import { CliContext } from './context.js';
import { errorEnvelope } from './output/json-envelope.js';
import { fastListOptions } from './session-list-fast.js';
import { CANCEL_EXIT, isPromptCancel } from './prompt-cancel.js';

export function processIO(): CliIO {
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: !!process.stdin.isTTY,
    cwd: process.cwd(),
    homeDir: homedir(),
    now: () => new Date(),
  };
}

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
    if (fast && (await (await import('./session-list-fast.js')).runFastList(ctx, fast))) return ctx.exitCode;
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
    const usage = new HappierError('USAGE', err.message.replace(/^error: /, ''), {
      hint: 'run `happier --help` for usage',
    });
    if (ctx.json) ctx.out(errorEnvelope(ctx.kind, usage) + '\n');
    else ctx.note('hint: add --help to a command to see its options');
    return 2;
  }
  const known = isHappierError(err) ? err : undefined;
  const shown = known ?? new HappierError('INTERNAL', `unexpected failure: ${(err as Error)?.message ?? String(err)}`, {
    hint: 'set HAPPIER_DEBUG=1 to see the stack trace, and please report it',
  });
  if (ctx.json) {
    ctx.out(errorEnvelope(ctx.kind, shown) + '\n');
  } else {
    ctx.note(`error: ${shown.message}`);
    const candidates = shown.details.candidates;
    if (Array.isArray(candidates)) {
      for (const c of candidates as { id: string; title: string }[]) ctx.note(`  ${c.id}  ${c.title}`);
    }
    if (shown.hint) ctx.note(`hint: ${shown.hint}`);
  }
  if (ctx.io.env.HAPPIER_DEBUG === '1' && err instanceof Error && err.stack) ctx.note(err.stack);
  return known ? exitCodeFor(known.code) : 1;
}

export async function runCli(args: readonly string[]): Promise<void> {
  const code = await execute(args, processIO());
  process.exitCode = code;
}
