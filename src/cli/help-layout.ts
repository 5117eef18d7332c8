import type { Command } from 'commander';
import { helpItem, wrapText } from '../domain/text-wrap.js';
import { outputWidth, type CliIO } from './cli-io.js';

/** Help is prose, not a table: it fits the terminal or COLUMNS, else the customary 80. */
export function helpWidth(io: CliIO): number {
  return outputWidth(io) ?? 80;
}

/** Every command's help laid out by the wrapping rule (domain/text-wrap.ts) at `helpWidth`. */
export function fitHelp(cmd: Command, io: CliIO): void {
  cmd
    .configureOutput({ getOutHelpWidth: () => helpWidth(io), getErrHelpWidth: () => helpWidth(io) })
    .configureHelp({
      boxWrap: (text: string, width: number) => wrapText(text, width),
      formatItem: (term: string, termWidth: number, description: string) => helpItem(term, termWidth, description, helpWidth(io)),
    });
}

/** Text for `addHelpText`, wrapped when the help is shown, at the width it is shown in. */
export function wrappedHelpText(io: CliIO, text: string): () => string {
  return () => wrapText(text, helpWidth(io));
}
