import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleTarget, compareExisting, exportClaudeBundle, importClaudeBundle } from '../../../../src/providers/claude/claude-bundle.js';
import { claudeSlug } from '../../../../src/providers/claude/claude-slug.js';
import type { StateBundle } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { assistantLine, lines, text, toolUse, userLine } from './claude-records-fixture.js';

const dir = tempDir('happier-claude-bundle-');
afterAll(() => dir.cleanup());
let n = 0;
const fresh = (name: string) => {
  const p = join(dir.path, `${name}${n++}`);
  mkdirSync(p, { recursive: true });
  return realpathSync(p);
};

function sourceSession(root: string, cwd: string) {
  const id = randomUUID();
  const body = lines(
    userLine(id, cwd, 'remember the word PAPAYA'),
    assistantLine(id, cwd, [text('ok'), toolUse('Read', { file_path: `${cwd}/notes.md` })]),
  );
  const folder = join(root, 'projects', claudeSlug(cwd));
  mkdirSync(join(folder, id, 'subagents'), { recursive: true });
  writeFileSync(join(folder, `${id}.jsonl`), body + '{"type":"user","half-writ');
  writeFileSync(join(folder, id, 'subagents', 'agent-1.jsonl'), lines(userLine(id, cwd, 'sub task')));
  mkdirSync(join(root, 'tasks', id), { recursive: true });
  writeFileSync(join(root, 'tasks', id, '1.json'), '{"task":1}');
  mkdirSync(join(root, 'file-history', id), { recursive: true });
  writeFileSync(join(root, 'file-history', id, 'abc@v1'), 'old content');
  mkdirSync(join(root, 'session-env', id), { recursive: true });
  writeFileSync(join(root, 'session-env', id, 'env.sh'), 'export A=1');
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(folder, `${id}.jsonl`), old, old);
  return { id, body };
}

describe('Claude export and import', () => {
  it('moves the transcript under the target slug with cwd rewritten, plus the per-session folders, with fresh mtimes', () => {
    const srcRoot = fresh('src');
    const srcCwd = '/home/alice/my project';
    const { id, body } = sourceSession(srcRoot, srcCwd);
    const bundle = exportClaudeBundle(srcRoot, id);
    expect(bundle.sourceCwd).toBe(srcCwd);
    expect(bundle.files.map((f) => f.path).sort()).toEqual(
      [`file-history/${id}/abc@v1`, `project/${id}.jsonl`, `project/${id}/subagents/agent-1.jsonl`, `session-env/${id}/env.sh`, `tasks/${id}/1.json`].sort(),
    );
    // The half-written last line stays behind.
    expect(bundle.files.find((f) => f.path === `project/${id}.jsonl`)!.data.toString()).toBe(body);

    const dstRoot = fresh('dst');
    const targetCwd = join(fresh('work'), 'bob ünï');
    mkdirSync(targetCwd);
    const result = importClaudeBundle(dstRoot, bundle, targetCwd);
    const transcript = join(dstRoot, 'projects', claudeSlug(targetCwd), `${id}.jsonl`);
    expect(result.writtenPaths).toContain(transcript);
    const records = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => r.cwd)).toEqual([targetCwd, targetCwd]);
    expect(records[1].message.content[1].input.file_path).toBe(`${targetCwd}/notes.md`);
    expect(readFileSync(transcript, 'utf8')).toContain('PAPAYA');
    const sub = readFileSync(join(dstRoot, 'projects', claudeSlug(targetCwd), id, 'subagents', 'agent-1.jsonl'), 'utf8');
    expect(JSON.parse(sub).cwd).toBe(targetCwd);
    expect(readFileSync(join(dstRoot, 'tasks', id, '1.json'), 'utf8')).toBe('{"task":1}');
    expect(readFileSync(join(dstRoot, 'file-history', id, 'abc@v1'), 'utf8')).toBe('old content');
    expect(readFileSync(join(dstRoot, 'session-env', id, 'env.sh'), 'utf8')).toBe('export A=1');
    expect(statSync(transcript).mtimeMs).toBeGreaterThan(Date.parse('2025-01-01'));
    // Staging is gone.
    expect(readdirSync(dstRoot).filter((f) => f.startsWith('.happier-import'))).toEqual([]);
  });

  it('writes every imported file 0600, whatever bits the source had (issue 13)', () => {
    const srcRoot = fresh('src-modes');
    const { id } = sourceSession(srcRoot, '/home/alice/p');
    const bundle = exportClaudeBundle(srcRoot, id);
    const open = { ...bundle, files: bundle.files.map((f) => ({ ...f, mode: 0o666 })) };
    const dstRoot = fresh('dst-modes');
    const result = importClaudeBundle(dstRoot, open, fresh('work-modes'));
    expect(result.writtenPaths.length).toBeGreaterThan(1);
    for (const p of result.writtenPaths) expect([p, statSync(p).mode & 0o777]).toEqual([p, 0o600]);
  });

  it('round-trips: exporting and importing back to the first cwd gives the same transcript', () => {
    const aRoot = fresh('a');
    const aCwd = fresh('acwd');
    const { id, body } = sourceSession(aRoot, aCwd);
    const bRoot = fresh('b');
    const bCwd = fresh('bcwd');
    importClaudeBundle(bRoot, exportClaudeBundle(aRoot, id), bCwd);
    const cRoot = fresh('c');
    importClaudeBundle(cRoot, exportClaudeBundle(bRoot, id), aCwd);
    expect(readFileSync(join(cRoot, 'projects', claudeSlug(aCwd), `${id}.jsonl`), 'utf8')).toBe(body);
  });

  it('uses the realpath of the target cwd and the long-path hash rule for the folder', () => {
    const srcRoot = fresh('src');
    const { id } = sourceSession(srcRoot, '/x');
    const base = fresh('long');
    let longCwd = base;
    while (longCwd.length < 260) longCwd = join(longCwd, 'a fairly long folder name');
    mkdirSync(longCwd, { recursive: true });
    const dstRoot = fresh('dst');
    importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), longCwd);
    const slug = claudeSlug(longCwd);
    expect(slug.length).toBeGreaterThan(200);
    expect(existsSync(join(dstRoot, 'projects', slug, `${id}.jsonl`))).toBe(true);
  });

  it('refuses to overwrite a different session with the same id (CONFLICT), leaving it untouched', () => {
    const srcRoot = fresh('src');
    const { id } = sourceSession(srcRoot, '/x');
    const dstRoot = fresh('dst');
    const cwd = fresh('cwd');
    const folder = join(dstRoot, 'projects', claudeSlug(cwd));
    mkdirSync(folder, { recursive: true });
    const other = lines(userLine(id, cwd, 'a different conversation'));
    writeFileSync(join(folder, `${id}.jsonl`), other);
    expect(() => importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), cwd)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(readFileSync(join(folder, `${id}.jsonl`), 'utf8')).toBe(other);
    expect(existsSync(join(dstRoot, 'tasks', id))).toBe(false);
  });

  it('replaces an earlier copy of the same transcript (a prefix), and accepts an identical one', () => {
    const srcRoot = fresh('src');
    const srcCwd = '/home/a/p';
    const { id } = sourceSession(srcRoot, srcCwd);
    const dstRoot = fresh('dst');
    const cwd = fresh('cwd');
    importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), cwd);
    importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), cwd);
    const srcFile = join(srcRoot, 'projects', claudeSlug(srcCwd), `${id}.jsonl`);
    const grown = readFileSync(srcFile, 'utf8').replace('{"type":"user","half-writ', '') + lines(userLine(id, srcCwd, 'more'));
    writeFileSync(srcFile, grown);
    importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), cwd);
    const out = readFileSync(join(dstRoot, 'projects', claudeSlug(cwd), `${id}.jsonl`), 'utf8');
    expect(out.trim().split('\n')).toHaveLength(3);
  });

  it('refuses to replace a longer copy: the target has turns the bundle lacks', () => {
    const a = Buffer.from('{"a":1}\n{"b":2}\n');
    expect(compareExisting(null, a)).toBe('none');
    expect(compareExisting(a, a)).toBe('same-or-older');
    expect(compareExisting(Buffer.from('{"a":1}\n'), a)).toBe('same-or-older');
    expect(compareExisting(Buffer.from('{"a":1}\n{"b"'), a)).toBe('different');
    expect(compareExisting(Buffer.from('{"a":1}\n{"b":2}\n{"c":3}\n'), a)).toBe('different');
  });

  it('rejects bundle paths that would escape the session folders (UNSAFE_PATH)', () => {
    const id = randomUUID();
    for (const bad of ['project/../../etc/passwd', `tasks/${randomUUID()}/x`, '/abs', `project/${id}/..\\x`, `other/${id}/x`, `project/${id}.json`]) {
      expect(() => bundleTarget(bad, id, '/r/projects/-w', '/r')).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    }
    expect(bundleTarget(`tasks/${id}/a/b`, id, '/r/projects/-w', '/r')).toBe(`/r/tasks/${id}/a/b`);
  });

  it('reports a missing target cwd as PATH_MISSING and writes nothing', () => {
    const srcRoot = fresh('src');
    const { id } = sourceSession(srcRoot, '/x');
    const dstRoot = fresh('dst');
    const bundle: StateBundle = exportClaudeBundle(srcRoot, id);
    expect(() => importClaudeBundle(dstRoot, bundle, join(dstRoot, 'nope'))).toThrow(expect.objectContaining({ code: 'PATH_MISSING' }));
    expect(readdirSync(dstRoot)).toEqual([]);
  });

  it('supersedes an earlier copy of the same session under another project folder, and refuses a different one', () => {
    const srcRoot = fresh('src');
    const srcCwd = '/home/a/p';
    const { id } = sourceSession(srcRoot, srcCwd);
    const dstRoot = fresh('dst');
    const firstCwd = fresh('first');
    importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), firstCwd);
    const srcFile = join(srcRoot, 'projects', claudeSlug(srcCwd), `${id}.jsonl`);
    writeFileSync(srcFile, readFileSync(srcFile, 'utf8').replace('{"type":"user","half-writ', '') + lines(userLine(id, srcCwd, 'more')));
    const secondCwd = fresh('second');
    importClaudeBundle(dstRoot, exportClaudeBundle(srcRoot, id), secondCwd);
    expect(existsSync(join(dstRoot, 'projects', claudeSlug(firstCwd), `${id}.jsonl`))).toBe(false);
    expect(readFileSync(join(dstRoot, 'projects', claudeSlug(secondCwd), `${id}.jsonl`), 'utf8').trim().split('\n')).toHaveLength(3);

    const other = fresh('other');
    const folder = join(dstRoot, 'projects', claudeSlug(other));
    mkdirSync(folder, { recursive: true });
    const foreign = randomUUID();
    writeFileSync(join(folder, `${foreign}.jsonl`), lines(userLine(foreign, other, 'not the same talk')));
    const src2 = fresh('src2');
    const folder2 = join(src2, 'projects', claudeSlug('/x'));
    mkdirSync(folder2, { recursive: true });
    writeFileSync(join(folder2, `${foreign}.jsonl`), lines(userLine(foreign, '/x', 'a different talk entirely')));
    expect(() => importClaudeBundle(dstRoot, exportClaudeBundle(src2, foreign), fresh('third'))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(existsSync(join(folder, `${foreign}.jsonl`))).toBe(true);
  });
});
