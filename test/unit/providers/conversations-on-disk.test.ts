import { randomUUID } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeConversations } from '../../../src/providers/claude/claude-conversations.js';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { codexConversations } from '../../../src/providers/codex/codex-conversations.js';
import { opencodeConversations } from '../../../src/providers/opencode/opencode-conversations.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { attachmentLine, userLine } from './claude/claude-records-fixture.js';
import { writeRollout } from './codex/codex-rollout-fixture.js';
import { createOpencodeDb } from './opencode/opencode-db-fixture.js';

const dir = tempDir('happier-conversations-');
afterAll(() => dir.cleanup());

describe('claude: a conversation is a transcript under the cwd\'s project folder with a user turn', () => {
  const root = join(dir.path, 'claude');
  const cwd = join(dir.path, 'work');
  mkdirSync(cwd, { recursive: true });
  const folder = join(root, 'projects', claudeSlug(cwd));
  mkdirSync(folder, { recursive: true });
  const write = (body: string, into = folder) => {
    const id = randomUUID();
    writeFileSync(join(into, `${id}.jsonl`), body);
    return id;
  };

  it('tells a first prompt (even after big attachments) from no file and a file of snapshots only', () => {
    const asked = write([attachmentLine('x', cwd, 20_000), attachmentLine('x', cwd, 20_000), userLine('x', cwd, 'hello')].join('\n') + '\n');
    const snapshotsOnly = write(JSON.stringify({ type: 'file-history-snapshot', messageId: 'm', snapshot: {} }) + '\n');
    const never = randomUUID();
    const found = claudeConversations(root, [asked, snapshotsOnly, never].map((vendorSessionId) => ({ vendorSessionId, cwd })));
    expect(Object.fromEntries(found)).toEqual({ [asked]: true, [snapshotsOnly]: false, [never]: false });
  });

  it('looks under the folder of the cwd\'s realpath, as Claude does, and not in other project folders', () => {
    const link = join(dir.path, 'link-to-work');
    symlinkSync(cwd, link);
    const asked = write(userLine('x', cwd, 'hi') + '\n');
    const elsewhere = join(root, 'projects', claudeSlug('/some/other/place'));
    mkdirSync(elsewhere, { recursive: true });
    const misplaced = write(userLine('x', '/some/other/place', 'hi') + '\n', elsewhere);
    const found = claudeConversations(root, [
      { vendorSessionId: asked, cwd: link },
      { vendorSessionId: misplaced, cwd },
    ]);
    expect(Object.fromEntries(found)).toEqual({ [asked]: true, [misplaced]: false });
  });

  it('answers "not there" for every session when Claude has no projects folder, or an empty one', () => {
    const id = randomUUID();
    expect(claudeConversations(join(dir.path, 'no-claude'), [{ vendorSessionId: id, cwd }]).get(id)).toBe(false);
    mkdirSync(join(dir.path, 'no-project-yet', 'projects'), { recursive: true });
    expect(claudeConversations(join(dir.path, 'no-project-yet'), [{ vendorSessionId: id, cwd }]).get(id)).toBe(false);
  });
});

describe('codex: a conversation is a rollout file', () => {
  it('finds rollouts in their date folders, archived ones too, by the UUID in the name', () => {
    const root = join(dir.path, 'codex');
    const live = '019a0000-0000-7000-8000-00000000000a';
    const archived = '019a0000-0000-7000-8000-00000000000b';
    writeRollout(root, { id: live, cwd: '/w', start: '2026-11-22T02:08:31.000Z' });
    writeRollout(root, { id: archived, cwd: '/w', start: '2026-11-21T02:08:31.000Z', archived: true });
    const never = '019a0000-0000-7000-8000-00000000000c';
    const found = codexConversations(root, [live, archived, never].map((vendorSessionId) => ({ vendorSessionId, cwd: '/w' })));
    expect(Object.fromEntries(found)).toEqual({ [live]: true, [archived]: true, [never]: false });
  });
});

describe('opencode: a conversation is a session row (or a pre-1.2 session file)', () => {
  const ctxFor = (xdg: string) => ({ env: { XDG_DATA_HOME: xdg }, homeDir: dir.path, runner: { run: async () => ({ code: 0, stdout: '', stderr: '' }) } }) as never;

  it('asks the database for the ids, and the old storage files for the rest', async () => {
    const xdg = join(dir.path, 'xdg');
    const db = createOpencodeDb(join(xdg, 'opencode', 'opencode.db'));
    db.prepare(`INSERT INTO session (id, project_id, directory, title, time_created, time_updated) VALUES ('ses_inDb', 'global', '/w', 't', 1, 1)`).run();
    db.close();
    mkdirSync(join(xdg, 'opencode', 'storage', 'session', 'global'), { recursive: true });
    writeFileSync(join(xdg, 'opencode', 'storage', 'session', 'global', 'ses_inFiles.json'), JSON.stringify({ id: 'ses_inFiles', directory: '/w', title: 't', time: { created: 1, updated: 1 } }));
    const found = await opencodeConversations(ctxFor(xdg), ['ses_inDb', 'ses_inFiles', 'ses_never'].map((vendorSessionId) => ({ vendorSessionId, cwd: '/w' })));
    expect(Object.fromEntries(found)).toEqual({ ses_inDb: true, ses_inFiles: true, ses_never: false });
  });

  it('says nothing about any session when the database is not one it can read', async () => {
    const xdg = join(dir.path, 'xdg-bad');
    mkdirSync(join(xdg, 'opencode'), { recursive: true });
    writeFileSync(join(xdg, 'opencode', 'opencode.db'), 'not a database at all, just text that is long enough');
    const found = await opencodeConversations(ctxFor(xdg), [{ vendorSessionId: 'ses_x', cwd: '/w' }]);
    expect(found.size).toBe(0);
  });
});
