import { Argument, Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import { packageInfo } from '../package-info.js';

export const COMPLETION_FILES = { bash: 'happier.bash', zsh: '_happier', fish: 'happier.fish' } as const;

export function completionCommand(ctx: CliContext): Command {
  return new Command('completion')
    .description('print the shell completion script (e.g. `source <(happier completion bash)`)')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(COMPLETION_FILES)))
    .action((shell: keyof typeof COMPLETION_FILES) => {
      ctx.out(readFileSync(join(packageInfo().root, 'completions', COMPLETION_FILES[shell]), 'utf8'));
    });
}
