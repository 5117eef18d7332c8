import { Command } from 'commander';
import { HappierError } from '../../domain/errors.js';
import type { Session } from '../../domain/session.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { sanitize } from '../../domain/text-width.js';
import { resolveView } from './session-show.js';

type Change = (s: Session, now: string) => Session;

function editCommand(
  ctx: CliContext,
  name: 'archive' | 'unarchive',
  description: string,
  change: Change,
  done: (s: Session) => string,
): Command {
  return new Command(name)
    .description(description)
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--json', 'JSON envelope on stdout')
    .action(async (selector: string, opts: { json?: boolean }) => {
      const store = await ctx.store();
      const target = store.sessions.resolve(selector);
      const now = ctx.io.now().toISOString();
      const updated = store.sessions.update(target.id, (s) => change(s, now));
      report(ctx, opts, { id: updated.id, archived: updated.archived }, done(updated));
    });
}

function report(ctx: CliContext, opts: { json?: boolean }, data: object, text: string): void {
  if (opts.json) ctx.out(okEnvelope(ctx.kind, data) + '\n');
  else ctx.note(text);
}

export function sessionEditCommands(ctx: CliContext): Command[] {
  const rename = new Command('rename')
    .description('give a session a new title')
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .argument('<title...>', 'the new title')
    .option('--json', 'JSON envelope on stdout')
    .action(async (selector: string, words: string[], opts: { json?: boolean }) => {
      const title = words.join(' ').trim();
      if (title === '') throw new HappierError('USAGE', 'the title cannot be empty');
      const store = await ctx.store();
      const target = store.sessions.resolve(selector);
      const now = ctx.io.now().toISOString();
      const updated = store.sessions.update(target.id, (s) => ({ ...s, title, updatedAt: now }));
      report(ctx, opts, { id: updated.id, title: updated.title }, `renamed ${updated.id} to "${sanitize(title)}"`);
    });

  const archive = editCommand(
    ctx,
    'archive',
    'hide a session from the default list (nothing is deleted)',
    (s, now) => ({ ...s, archived: true, updatedAt: now }),
    (s) => `archived ${s.id}; \`happier session unarchive ${s.id.slice(0, 8)}\` brings it back`,
  );
  const unarchive = editCommand(
    ctx,
    'unarchive',
    'bring an archived session back to the list',
    (s, now) => ({ ...s, archived: false, updatedAt: now }),
    (s) => `unarchived ${s.id}`,
  );

  const rm = new Command('rm')
    .description("forget a session; the provider's own files are left as they are")
    .argument('<id>', 'session id, unambiguous id prefix, or vendor session id')
    .option('--json', 'JSON envelope on stdout')
    .action(async (selector: string, opts: { json?: boolean }) => {
      const view = await resolveView(ctx, selector);
      const id = view.session.id;
      if (view.active) {
        throw new HappierError('ALREADY_ACTIVE', `session ${id} is running`, {
          hint: `stop it first with \`happier stop ${id.slice(0, 8)}\``,
        });
      }
      const store = await ctx.store();
      store.sessions.remove(id);
      report(ctx, opts, { id, removed: true }, `removed ${id} from the registry; the provider's files were not touched`);
    });

  return [rename, archive, unarchive, rm];
}
