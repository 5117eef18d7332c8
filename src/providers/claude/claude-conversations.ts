import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { hasStringField } from '../jsonl/field-peek.js';
import { readJsonlHead } from '../jsonl/jsonl-file.js';
import type { ConversationCheck, ConversationSubject } from '../provider.js';
import { claudeRoot } from './claude-argv.js';
import { claudeSlug } from './claude-slug.js';

/** Attachment and snapshot records can come first; a first prompt is within this many. */
const HEAD_RECORDS = 64;

function names(dir: string): Set<string> | null {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return null;
  }
}

/**
 * Claude reopens `projects/<slug of the cwd's realpath>/<id>.jsonl`, and only when it
 * holds a user turn: a session started without a prompt has an id and no such file (or
 * one with only snapshot records), and `claude --resume` says "No conversation found".
 * One readdir of projects/ and one per project folder, whatever the number of sessions.
 */
export function claudeConversations(root: string, subjects: readonly ConversationSubject[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const projects = join(root, 'projects');
  const folders = names(projects);
  // No project folder at all: nothing to find, and no cwd worth resolving.
  if (!folders || folders.size === 0) return new Map(subjects.map((s) => [s.vendorSessionId, false]));
  const listings = new Map<string, Set<string> | null>();
  const folderOf = new Map<string, string | null>();
  for (const s of subjects) {
    const id = s.vendorSessionId.toLowerCase();
    let folder = folderOf.get(s.cwd);
    if (folder === undefined) {
      folder = projectFolder(folders, s.cwd);
      folderOf.set(s.cwd, folder);
    }
    if (folder === null) {
      out.set(s.vendorSessionId, false);
      continue;
    }
    let listing = listings.get(folder);
    if (listing === undefined) {
      listing = names(join(projects, folder));
      listings.set(folder, listing);
    }
    const file = `${id}.jsonl`;
    const found = listing?.has(file) ? hasUserTurn(join(projects, folder, file)) : false;
    if (found !== undefined) out.set(s.vendorSessionId, found);
  }
  return out;
}

function projectFolder(folders: ReadonlySet<string>, cwd: string): string | null {
  let real = cwd;
  try {
    real = realpathSync.native(cwd);
  } catch {
    // a cwd that is gone: its recorded spelling is all there is
  }
  const slug = claudeSlug(real);
  return folders.has(slug) ? slug : null;
}

/** Undefined when the file cannot be read: that is not a conversation known to be missing. */
function hasUserTurn(path: string): boolean | undefined {
  try {
    return readJsonlHead(path, HEAD_RECORDS).entries.some((e) =>
      e.kind === 'record' ? e.value.type === 'user' : hasStringField(e.head, 'type', 'user'),
    );
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
}

export const conversationsOnDisk: ConversationCheck = async (ctx, subjects) => claudeConversations(claudeRoot(ctx), subjects);
