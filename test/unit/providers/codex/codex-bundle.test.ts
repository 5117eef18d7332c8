import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCodexBundle, importCodexBundle } from '../../../../src/providers/codex/codex-bundle.js';
import { rewriteRolloutCwd } from '../../../../src/providers/codex/codex-cwd-rewrite.js';
import { discoverCodex } from '../../../../src/providers/codex/codex-discovery.js';
import type { ProviderContext, StateBundle } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { memoryCache, rolloutLines, rolloutName, writeRollout } from './codex-rollout-fixture.js';
import { rejectionOf } from '../../../helpers/happier-error.js';

const ID = '019a7f3e-5c2b-7d41-9e8f-0a1b2c3d4e5f';
const start = '2026-11-20T10:00:00.000Z';
const rel = `sessions/2026/11/20/${rolloutName(ID, start)}`;
const targetCwd = `/target/my project ✓/${'x'.repeat(210)}`;

let tmp: { path: string; cleanup: () => void };
let source: ProviderContext;
let target: ProviderContext;
let sourceRoot: string;
let targetRoot: string;
const noRunner = { run: () => Promise.reject(new Error('no process expected')) };

beforeEach(() => {
  tmp = tempDir('happier-codex-bundle-');
  sourceRoot = join(tmp.path, 'a', '.codex');
  targetRoot = join(tmp.path, 'b', 'codex hömé');
  source = { env: { CODEX_HOME: sourceRoot }, homeDir: join(tmp.path, 'a'), runner: noRunner };
  target = { env: { CODEX_HOME: targetRoot }, homeDir: join(tmp.path, 'b'), runner: noRunner };
});
afterEach(() => tmp.cleanup());

function threadsDb(root: string): Database.Database {
  mkdirSync(root, { recursive: true });
  const db = new Database(join(root, 'state_5.sqlite'));
  db.exec(`CREATE TABLE IF NOT EXISTS threads (id TEXT PRIMARY KEY, rollout_path TEXT NOT NULL, cwd TEXT NOT NULL, title TEXT NOT NULL DEFAULT '')`);
  return db;
}

describe('codex bundle', () => {
  it('exports the rollout byte for byte under its relative path', async () => {
    const path = writeRollout(sourceRoot, { id: ID, cwd: '/src/proj', start });
    const bundle = await exportCodexBundle(source, ID);
    expect(bundle).toMatchObject({ agent: 'codex', vendorSessionId: ID, sourceCwd: '/src/proj', meta: { relativePath: rel, archived: false } });
    expect(bundle.files).toHaveLength(1);
    expect(bundle.files[0]!.path).toBe(rel);
    expect(bundle.files[0]!.data.equals(readFileSync(path))).toBe(true);
  });

  it('brings an archived rollout back to its live date folder', async () => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start, archived: true });
    expect((await exportCodexBundle(source, ID)).files[0]!.path).toBe(rel);
  });

  it('writes the imported rollout 0600, whatever bits the source had (issue 13)', async () => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src/proj', start });
    const bundle = await exportCodexBundle(source, ID);
    const result = await importCodexBundle(target, { ...bundle, files: bundle.files.map((f) => ({ ...f, mode: 0o644 })) }, { targetCwd });
    expect(statSync(result.writtenPaths[0]!).mode & 0o777).toBe(0o600);
  });

  it('round-trips to another home and cwd: same place, cwd rewritten, everything else identical, discoverable', async () => {
    const original = writeRollout(sourceRoot, { id: ID, cwd: '/src/proj', start, prompt: 'secret word: pelican' });
    const result = await importCodexBundle(target, await exportCodexBundle(source, ID), { targetCwd });
    const dest = join(targetRoot, ...rel.split('/'));
    expect(result).toEqual({ vendorSessionId: ID, writtenPaths: [dest] });

    const before = readFileSync(original, 'utf8').split('\n');
    const after = readFileSync(dest, 'utf8').split('\n');
    expect(after).toHaveLength(before.length);
    after.forEach((line, i) => {
      const type = line ? JSON.parse(line).type : '';
      if (type === 'session_meta' || type === 'turn_context') expect(JSON.parse(line).payload.cwd).toBe(targetCwd);
      else expect(line).toBe(before[i]);
    });
    expect(readdirSync(dirname(dest))).toEqual([rolloutName(ID, start)]);

    const [found] = await discoverCodex(targetRoot, memoryCache());
    expect(found).toMatchObject({ vendorSessionId: ID, cwd: targetCwd, title: 'secret word: pelican' });

    // And back again: the source's own earlier copy is a prefix, so it is replaced in place.
    const back = await importCodexBundle(source, await exportCodexBundle(target, ID), { targetCwd: '/src/proj' });
    expect(back.writtenPaths).toEqual([original]);
    expect(readFileSync(original, 'utf8')).toBe(before.join('\n'));
  });

  it('repairs a stale thread row that points at a rollout that is gone, and leaves other rows alone', async () => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start });
    const db = threadsDb(targetRoot);
    db.prepare(`INSERT INTO threads VALUES (?, ?, ?, 'kept title')`).run(ID, join(targetRoot, 'sessions/2026/01/01/gone.jsonl'), '/old');
    db.prepare(`INSERT INTO threads VALUES ('019a0000-0000-7000-8000-000000000000', '/x.jsonl', '/y', 'other')`).run();
    db.close();

    const { writtenPaths } = await importCodexBundle(target, await exportCodexBundle(source, ID), { targetCwd });
    const check = new Database(join(targetRoot, 'state_5.sqlite'), { readonly: true });
    expect(check.prepare(`SELECT id, rollout_path, cwd, title FROM threads ORDER BY id`).all()).toEqual([
      { id: '019a0000-0000-7000-8000-000000000000', rollout_path: '/x.jsonl', cwd: '/y', title: 'other' },
      { id: ID, rollout_path: writtenPaths[0], cwd: targetCwd, title: 'kept title' },
    ]);
    check.close();
  });

  it('never creates a thread index the target does not have', async () => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start });
    await importCodexBundle(target, await exportCodexBundle(source, ID), { targetCwd });
    expect(existsSync(join(targetRoot, 'state_5.sqlite'))).toBe(false);
  });

  it('refuses with CONFLICT when the target has a different conversation under that id, and writes nothing', async () => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start, prompt: 'mine' });
    const theirs = writeRollout(targetRoot, { id: ID, cwd: '/t', start, prompt: 'theirs' });
    const before = readFileSync(theirs);
    const err = await rejectionOf(importCodexBundle(target, await exportCodexBundle(source, ID), { targetCwd }));
    expect(err.code).toBe('CONFLICT');
    expect(readFileSync(theirs).equals(before)).toBe(true);
    expect(readdirSync(dirname(theirs))).toEqual([rolloutName(ID, start)]);
  });

  it('accepts a target holding an earlier, shorter copy with another cwd and a half-written last line', async () => {
    const lines = rolloutLines({ id: ID, cwd: '/src', start });
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start });
    // What an earlier import of this conversation left here: the same records, another cwd.
    const early = rewriteRolloutCwd(Buffer.from(lines.slice(0, 6).join('\n')), '/somewhere/else').toString() + '\n{"timestamp":"x","ty';
    writeRollout(targetRoot, { id: ID, cwd: '/t', start, content: early });
    const { writtenPaths } = await importCodexBundle(target, await exportCodexBundle(source, ID), { targetCwd });
    expect(readFileSync(writtenPaths[0]!, 'utf8').split('\n')).toHaveLength(lines.length + 1);
  });

  it.each([
    ['an escaping path', `sessions/2026/11/20/../../../../evil/rollout-2026-11-20T10-00-00-${ID}.jsonl`],
    ['an absolute path', `/etc/rollout-2026-11-20T10-00-00-${ID}.jsonl`],
    ['another id in the name', 'sessions/2026/11/20/rollout-2026-11-20T10-00-00-019a7f3e-5c2b-7d41-9e8f-000000000000.jsonl'],
    ['a path outside sessions/', `archived_sessions/rollout-2026-11-20T10-00-00-${ID}.jsonl`],
  ])('refuses %s with UNSAFE_PATH', async (_label, path) => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start });
    const bundle = await exportCodexBundle(source, ID);
    const bad: StateBundle = { ...bundle, files: [{ ...bundle.files[0]!, path }] };
    expect((await rejectionOf(importCodexBundle(target, bad, { targetCwd }))).code).toBe('UNSAFE_PATH');
    expect(existsSync(targetRoot)).toBe(false);
  });

  it('refuses a bundle whose rollout is for another session', async () => {
    const other = '019a7f3e-5c2b-7d41-9e8f-000000000000';
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start });
    const bundle = await exportCodexBundle(source, ID);
    const forged: StateBundle = { ...bundle, vendorSessionId: other, files: [{ ...bundle.files[0]!, path: `sessions/2026/11/20/${rolloutName(other, start)}` }] };
    expect((await rejectionOf(importCodexBundle(target, forged, { targetCwd }))).code).toBe('PROTOCOL');
  });

  it('leaves nothing behind when the thread index cannot be repaired', async () => {
    writeRollout(sourceRoot, { id: ID, cwd: '/src', start });
    mkdirSync(targetRoot, { recursive: true });
    const db = new Database(join(targetRoot, 'state_5.sqlite'));
    db.exec(`CREATE VIEW threads AS SELECT '${ID}' AS id, '/gone.jsonl' AS rollout_path, '/old' AS cwd`);
    db.close();
    const err = await rejectionOf(importCodexBundle(target, await exportCodexBundle(source, ID), { targetCwd }));
    expect(err.code).toBe('PROVIDER_FAILED');
    expect(readdirSync(join(targetRoot, 'sessions', '2026', '11', '20'))).toEqual([]);
  });

  it('says NOT_FOUND for an unknown session and USAGE for a malformed id', async () => {
    expect((await rejectionOf(exportCodexBundle(source, ID))).code).toBe('NOT_FOUND');
    expect((await rejectionOf(exportCodexBundle(source, 'x; rm -rf ~'))).code).toBe('USAGE');
  });

  it('refuses a rollout renamed to another session id', async () => {
    const other = '019a7f3e-5c2b-7d41-9e8f-000000000000';
    const path = join(sourceRoot, 'sessions', '2026', '11', '20', rolloutName(other, start));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rolloutLines({ id: ID, cwd: '/src', start }).join('\n'));
    expect((await rejectionOf(exportCodexBundle(source, other))).code).toBe('PROVIDER_FAILED');
  });
});
