import { Command, Option } from 'commander';
import { HappierError } from '../domain/errors.js';
import type { CliContext } from './context.js';
import { packageInfo } from './package-info.js';
import { fitHelp } from './help-layout.js';
import { sessionCommand } from './commands/session.js';
import { settingsCommand } from './commands/settings.js';
import { machineCommand } from './commands/machine.js';
import { agentCommand } from './commands/agent.js';
import { completionCommand } from './commands/completion.js';
import { doctorCommand } from './commands/doctor.js';
import { browseOrList } from './commands/browse.js';
import { serverCommand } from './commands/server.js';
import { pairCommand } from './commands/pair.js';
import { directCommand } from './commands/direct.js';
import { newCommand } from './commands/new.js';
import { resumeCommand } from './commands/resume.js';
import { attachCommand } from './commands/attach.js';
import { stopCommand } from './commands/stop.js';
import { handoffCommand } from './commands/handoff.js';
import { sendCommand } from './commands/send.js';

/** `session list` becomes `session_list`: the JSON envelope's kind. */
function kindOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join('_') || 'cli';
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('happier')
    .description('Find, resume, attach to and hand off AI coding agent sessions across machines')
    .version(packageInfo().version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    });
  fitHelp(program, ctx.io);
  program.hook('preAction', async (_root, action) => {
    ctx.kind = kindOf(action);
    // Handoffs a crash left open are finished or undone before commands that read ownership,
    // but not before a dry run: it promises to change nothing.
    if (action.opts().dryRun) return;
    await (await import('./handoff-wiring.js')).recoverBeforeCommand(ctx, ctx.kind.split('_')[0]!);
  });

  program.addCommand(sessionCommand(ctx));
  program.addCommand(settingsCommand(ctx));
  program.addCommand(machineCommand(ctx));
  program.addCommand(agentCommand(ctx), { hidden: true });
  program.addCommand(completionCommand(ctx));
  program.addCommand(doctorCommand(ctx));
  program.addCommand(serverCommand(ctx));
  program.addCommand(pairCommand(ctx));
  program.addCommand(directCommand(ctx));
  program.addCommand(newCommand(ctx));
  program.addCommand(resumeCommand(ctx));
  program.addCommand(attachCommand(ctx));
  program.addCommand(stopCommand(ctx));
  program.addCommand(handoffCommand(ctx));
  program.addCommand(sendCommand(ctx));

  // Bare `happier` off a terminal is `session list`, so it takes --json like it; and
  // `happier <typo> --json` is then an unknown command, not an unknown option.
  // Positional: a subcommand's own --json is its own, never the program's.
  program.enablePositionalOptions().addOption(new Option('--json', 'off a terminal: session list as a JSON envelope').hideHelp());
  program.allowExcessArguments(true).action(async () => {
    if (program.args.length > 0) {
      throw new HappierError('USAGE', `unknown command '${program.args[0]}'`, { hint: 'run `happier --help` to see the commands' });
    }
    await browseOrList(ctx);
  });
  // Subcommands inherit these so a usage error inside them still exits 2, not 1.
  for (const c of program.commands) propagate(c, ctx);
  return program;
}

function propagate(cmd: Command, ctx: CliContext): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => ctx.io.stdout.write(s),
    writeErr: (s) => ctx.io.stderr.write(s),
  });
  fitHelp(cmd, ctx.io);
  for (const c of cmd.commands) propagate(c, ctx);
}
