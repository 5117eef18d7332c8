import { Command, Option } from 'commander';
import { HappierError } from '../../domain/errors.js';
import { HANDOFF_PHASES } from '../../domain/handoff-journal.js';
import type { HandoffFlags } from '../../domain/handoff-options.js';
import type { HandoffEvent } from '../../handoff/handoff-coordinator.js';
import { wrappedHelpText } from '../help-layout.js';
import { wrapLabelled } from '../../domain/text-wrap.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { handoffDeps } from '../handoff-wiring.js';
import { formatEvent, formatPlan, formatResult } from '../output/handoff-output.js';
import { okEnvelope } from '../output/json-envelope.js';

interface HandoffOpts {
  to?: string;
  workspace?: boolean;
  conflict?: 'sibling' | 'replace';
  yes?: boolean;
  ignored?: 'exclude' | 'include-selected';
  include?: string[];
  targetPath?: string;
  directMode?: 'keep' | 'convert';
  dryRun?: boolean;
  json?: boolean;
  jsonl?: boolean;
  recover?: string;
}

const collect = (value: string, prev: string[] = []) => [...prev, value];

/** `happier handoff <id> --to <machine>`: move a session to another machine, same id. */
export function handoffCommand(ctx: CliContext): Command {
  return new Command('handoff')
    .description('move a session to another machine with the same id: its provider state, optionally its workspace, and ownership')
    .argument('[id]', 'session id, unambiguous prefix or vendor session id (a direct session by its vendor id)')
    .option('--to <machine>', 'the machine to hand the session to (see `happier machine list`)')
    .option('--workspace', 'also move the working directory (default: handoff.workspace)')
    .option('--no-workspace', 'leave the working directory behind')
    .addOption(new Option('--conflict <policy>', 'when the target path exists: a fresh sibling, or replace it (default: handoff.conflict)').choices(['sibling', 'replace']))
    .option('--yes', 'confirm replacing an existing target path without asking')
    .addOption(new Option('--ignored <mode>', 'git-ignored files: leave them out, or bring the --include globs (default: handoff.ignored)').choices(['exclude', 'include-selected']))
    .option('--include <glob>', 'an ignored path to bring along, e.g. dist/** or .env.local (repeatable)', collect)
    .option('--target-path <path>', 'where the session lives on the target (default: the same place under its home)')
    .addOption(new Option('--direct-mode <mode>', 'a direct session: move it as-is, or make it a synced session there (default: handoff.directMode)').choices(['keep', 'convert']))
    .option('--dry-run', 'print the plan and change nothing')
    .option('--json', 'the result as one JSON envelope on stdout')
    .option('--jsonl', 'one JSON line per phase event on stdout, then the result envelope')
    .option(
      '--recover <journal-id>',
      'finish or undo a handoff that a crash or a cut connection interrupted (`happier doctor` lists them; the next handoff, resume or session command also does this)',
    )
    .addHelpText(
      'after',
      wrappedHelpText(
        ctx.io,
        '\nPhases: preparing the target, moving the session state, resuming on the target, updating ownership.\n' +
        'A failure before ownership moves undoes the target and leaves the session here (restarted if it was running).\n' +
        'Interrupted handoffs are finished or undone by the next happier run, or with `happier handoff --recover <journal-id>`.',
      ),
    )
    .action(async (selector: string | undefined, opts: HandoffOpts) => {
      if (opts.recover) return recover(ctx, opts.recover, !!(opts.json || opts.jsonl));
      if (!selector) throw new HappierError('USAGE', 'handoff needs a session id', { hint: 'happier handoff <id> --to <machine>' });
      if (!opts.to) throw new HappierError('USAGE', 'handoff needs --to <machine>', { hint: '`happier machine list` shows the machines' });
      const machineOutput = !!(opts.json || opts.jsonl);
      const interactive = !machineOutput && ctx.io.stdinIsTTY && !!ctx.io.stderr.isTTY;
      const confirmReplace = async (path: string, machine: string) => {
        if (!interactive) return false;
        const { confirm } = await import('@inquirer/prompts');
        return confirm({ message: `Replace ${path} on ${machine}? (the old tree is kept until the new one is complete)`, default: false }, { output: process.stderr });
      };
      const flags: HandoffFlags = {
        ...(opts.workspace !== undefined ? { workspace: opts.workspace } : {}),
        ...(opts.conflict ? { conflict: opts.conflict } : {}),
        ...(opts.yes ? { yes: true } : {}),
        ...(opts.ignored ? { ignored: opts.ignored } : {}),
        ...(opts.include ? { include: opts.include } : {}),
        ...(opts.targetPath ? { targetPath: opts.targetPath } : {}),
        ...(opts.directMode ? { directMode: opts.directMode } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
      };
      const onEvent = (e: HandoffEvent) => {
        if (opts.jsonl) ctx.out(JSON.stringify({ v: 1, kind: 'handoff_event', ...e }) + '\n');
        else if (!machineOutput && ctx.io.stderr.isTTY) {
          const line = formatEvent(e, HANDOFF_PHASES.findIndex((p) => p.id === e.phase) + 1);
          if (line) ctx.note(line);
        }
      };
      const { deps, close } = await handoffDeps(ctx, confirmReplace);
      try {
        const { runHandoff } = await import('../../handoff/handoff-coordinator.js');
        const result = await runHandoff(deps, { selector, to: opts.to, flags }, onEvent);
        if (machineOutput) {
          ctx.out(okEnvelope(ctx.kind, result) + '\n');
          return;
        }
        for (const n of result.plan.notes) ctx.note(`note: ${n}`);
        if (result.dryRun) {
          ctx.out(wrapLabelled(formatPlan(result.plan), outputWidth(ctx.io)).join('\n') + '\n');
          return;
        }
        for (const w of result.warnings) ctx.note(`warning: ${w}`);
        const target = deps.machines.get(result.plan.target.machineId);
        ctx.out(formatResult(result, target?.sshTarget ?? null).join('\n') + '\n');
      } finally {
        await close();
      }
    });
}

async function recover(ctx: CliContext, id: string, json: boolean): Promise<void> {
  const { deps, close } = await handoffDeps(ctx, async () => false);
  try {
    const { recoverById } = await import('../../handoff/handoff-recovery.js');
    const outcome = await recoverById(deps, id);
    if (json) ctx.out(okEnvelope(ctx.kind, { recovered: outcome }) + '\n');
    else ctx.out(`handoff ${outcome.handoffId.slice(0, 8)} of ${outcome.sessionId.slice(0, 8)}: ${outcome.result === 'finished' ? 'finished' : 'undone'} (${outcome.message})\n`);
  } finally {
    await close();
  }
}
