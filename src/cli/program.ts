import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { HappierError } from '../domain/errors.js';
import type { CliContext } from './context.js';
import { sessionCommand } from './commands/session.js';
import { settingsCommand } from './commands/settings.js';
import { listSessions } from './commands/session-list.js';

/** The package's version, from the nearest package.json above this file (bundled or not). */
function version(): string {
  for (let url = new URL('.', import.meta.url); ; url = new URL('..', url)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'happier') return pkg.version;
    } catch {
      // not here; keep climbing
    }
    if (url.pathname === '/') return '0.0.0';
  }
}

/** `session list` becomes `session_list`: the JSON envelope's kind. */
function kindOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join('_') || 'cli';
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('happier')
    .description('Find, resume, attach to and hand off AI coding agent sessions across machines')
    .version(version(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    });
  program.hook('preAction', (_root, action) => {
    ctx.kind = kindOf(action);
  });

  program.addCommand(sessionCommand(ctx));
  program.addCommand(settingsCommand(ctx));

  program.allowExcessArguments(true).action(async () => {
    if (program.args.length > 0) {
      throw new HappierError('USAGE', `unknown command '${program.args[0]}'`, { hint: 'run `happier --help` to see the commands' });
    }
    ctx.kind = 'session_list';
    await listSessions(ctx, {});
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
  for (const c of cmd.commands) propagate(c, ctx);
}
