import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { directListCommand } from './direct-list.js';
import { directShowCommand } from './direct-show.js';
import { directTakeoverCommand } from './direct-takeover.js';

export function directCommand(ctx: CliContext): Command {
  const cmd = new Command('direct').description("provider sessions found on disk that happier does not own yet");
  cmd.addCommand(directListCommand(ctx));
  cmd.addCommand(directShowCommand(ctx));
  cmd.addCommand(directTakeoverCommand(ctx));
  return cmd;
}
