import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { sessionEditCommands } from './session-edit.js';
import { sessionListCommand } from './session-list.js';
import { sessionShowCommand } from './session-show.js';

export function sessionCommand(ctx: CliContext): Command {
  const cmd = new Command('session').description('list and manage the sessions happier knows');
  cmd.addCommand(sessionListCommand(ctx));
  cmd.addCommand(sessionShowCommand(ctx));
  for (const c of sessionEditCommands(ctx)) cmd.addCommand(c);
  return cmd;
}
