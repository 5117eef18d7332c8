import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { HappierError } from '../../domain/errors.js';
import type { SendRequest, SendResult } from '../../domain/message-send.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { readStdinText } from '../stdin-text.js';

interface SendOptions {
  wait?: boolean;
  timeout: string;
  queue: boolean;
  sendId?: string;
  json?: boolean;
}

export function sendCommand(ctx: CliContext): Command {
  return new Command('send')
    .description("send the next message to a session's provider as a user turn; resumes an inactive one first, never a fresh one")
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .argument('[text...]', 'the message; `-` (or nothing, on a pipe) reads it from stdin')
    .option('--wait', "wait for the provider's reply and print it")
    .addOption(new Option('--timeout <seconds>', 'how long --wait waits for the reply').default('300'))
    .option('--no-queue', 'refuse with BUSY while the provider is mid-turn, instead of letting it queue the message')
    .option('--send-id <id>', 'an id for this send; sending again with the same id never delivers twice (default: a new UUID)')
    .option('--json', 'the result as a JSON envelope on stdout')
    .action(async (selector: string, words: string[], opts: SendOptions) => {
      const req: SendRequest = {
        sendId: parseSendId(opts.sendId),
        session: selector,
        text: await messageText(ctx, words),
        queue: opts.queue,
        wait: !!opts.wait,
        timeoutMs: parseTimeout(opts.timeout),
      };
      const { deliverSend } = await import('../send-wiring.js');
      const result = await deliverSend(ctx, req);
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, result) + '\n');
      ctx.note(describe(result));
      if (result.reply) ctx.out(result.reply.text.endsWith('\n') ? result.reply.text : result.reply.text + '\n');
    });
}

async function messageText(ctx: CliContext, words: readonly string[]): Promise<string> {
  const fromStdin = (words.length === 1 && words[0] === '-') || (words.length === 0 && !ctx.io.stdinIsTTY);
  if (words.length === 0 && ctx.io.stdinIsTTY) {
    throw new HappierError('USAGE', 'what should be sent? give the text', {
      hint: 'happier send <id> "next step", or pipe it: echo "next step" | happier send <id> -',
    });
  }
  const text = fromStdin ? await readStdinText() : words.join(' ');
  // A trailing newline from echo or a heredoc is not part of the message.
  return text.replace(/\r?\n$/, '');
}

function parseSendId(id: string | undefined): string {
  if (id === undefined) return randomUUID();
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(id)) {
    throw new HappierError('USAGE', `--send-id must be 1 to 100 letters, digits or . _ : -, not ${JSON.stringify(id)}`, {
      hint: 'a UUID works: --send-id "$(uuidgen)"',
    });
  }
  return id;
}

function parseTimeout(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new HappierError('USAGE', `--timeout must be a positive number of seconds, not '${s}'`, { hint: 'e.g. --timeout 120' });
  return Math.round(n * 1000);
}

function describe(r: SendResult): string {
  const where = `${r.sessionId.slice(0, 8)} on ${r.machineName}`;
  switch (r.delivery) {
    case 'duplicate':
      return `send ${r.sendId} was delivered to ${where} before; not sent again`;
    case 'resumed':
      return `resumed ${where} and sent the message (send id ${r.sendId})`;
    case 'pasted':
      return `sent the message to ${where}${r.queued ? '; it is mid-turn, so the provider queued it' : ''} (send id ${r.sendId})`;
  }
}
