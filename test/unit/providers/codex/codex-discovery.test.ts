import Database from 'better-sqlite3';
import { appendFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverCodex } from '../../../../src/providers/codex/codex-discovery.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { memoryCache, rolloutLines, writeRollout } from './codex-rollout-fixture.js';

const A = '019a7f3e-5c2b-7d41-9e8f-0a1b2c3d4e5f';
const B = '019a7f40-0000-7000-8000-00000000000b';
const C = '019a7f41-0000-7000-8000-00000000000c';
const spacey = '/home/u/my project/ünïcødé ✓';
const long = `/home/u/${'deep-folder-name/'.repeat(14)}end`;

let tmp: { path: string; cleanup: () => void };
let root: string;
beforeEach(() => {
  tmp = tempDir('happier-codex-');
  root = join(tmp.path, '.codex');
});
afterEach(() => tmp.cleanup());

describe('codex discovery', () => {
  it('reports id, cwd, first real prompt, time, size and message count of live and archived rollouts', async () => {
    const a = writeRollout(root, { id: A, cwd: spacey, start: '2026-11-20T10:00:00.000Z', prompt: 'Fix the flaky parser test' });
    writeRollout(root, { id: B, cwd: long, start: '2026-11-19T09:00:00.000Z', archived: true });
    mkdirSync(join(root, 'sessions', '2026', '11', '20'), { recursive: true });
    writeFileSync(join(root, 'sessions', '2026', '11', '20', 'notes.txt'), 'not a rollout');

    const sessions = await discoverCodex(root, memoryCache());
    expect(sessions).toEqual([
      {
        agent: 'codex',
        vendorSessionId: A,
        cwd: spacey,
        title: 'Fix the flaky parser test',
        updatedAt: '2026-11-20T10:00:05.000Z',
        sizeBytes: statSync(a).size,
        messageCount: 2,
        path: a,
      },
      expect.objectContaining({ vendorSessionId: B, cwd: long, title: 'list the files please', messageCount: 2 }),
    ]);
  });

  it('takes titles from Codex’s thread index, read-only, and falls back to the prompt without it', async () => {
    writeRollout(root, { id: A, cwd: '/w', start: '2026-11-20T10:00:00.000Z' });
    writeRollout(root, { id: B, cwd: '/w', start: '2026-11-20T11:00:00.000Z' });
    const db = new Database(join(root, 'state_5.sqlite'));
    db.exec(`CREATE TABLE threads (id TEXT PRIMARY KEY, rollout_path TEXT, cwd TEXT, title TEXT, created_at INTEGER)`);
    db.prepare(`INSERT INTO threads (id, rollout_path, cwd, title) VALUES (?, 'x', '/w', 'Renamed by the user')`).run(A);
    db.prepare(`INSERT INTO threads (id, rollout_path, cwd, title) VALUES (?, 'x', '/w', '')`).run(B);
    db.close();
    const titles = Object.fromEntries((await discoverCodex(root, memoryCache())).map((s) => [s.vendorSessionId, s.title]));
    expect(titles).toEqual({ [A]: 'Renamed by the user', [B]: 'list the files please' });
  });

  it('prefers a thread name (index or session_index.jsonl) to the index title', async () => {
    writeRollout(root, { id: A, cwd: '/w', start: '2026-11-20T10:00:00.000Z' });
    writeRollout(root, { id: B, cwd: '/w', start: '2026-11-20T11:00:00.000Z' });
    writeRollout(root, { id: C, cwd: '/w', start: '2026-11-20T12:00:00.000Z' });
    writeFileSync(
      join(root, 'session_index.jsonl'),
      [
        JSON.stringify({ id: B, thread_name: 'first name', updated_at: 'x' }),
        '{"id": "broken',
        JSON.stringify({ id: B, thread_name: 'Named in the TUI', updated_at: 'y' }),
        JSON.stringify({ id: C, thread_name: 'Only in the index file', updated_at: 'y' }),
      ].join('\n') + '\n',
    );
    const db = new Database(join(root, 'state_5.sqlite'));
    db.exec(`CREATE TABLE threads (id TEXT PRIMARY KEY, rollout_path TEXT, cwd TEXT, title TEXT, name TEXT)`);
    db.prepare(`INSERT INTO threads VALUES (?, 'x', '/w', 'first prompt', 'Given name')`).run(A);
    db.prepare(`INSERT INTO threads VALUES (?, 'x', '/w', 'first prompt', NULL)`).run(B);
    db.close();
    const titles = Object.fromEntries((await discoverCodex(root, memoryCache())).map((s) => [s.vendorSessionId, s.title]));
    expect(titles).toEqual({ [A]: 'Given name', [B]: 'Named in the TUI', [C]: 'Only in the index file' });
  });

  it('ignores a thread index of another schema, or one that is not a database', async () => {
    writeRollout(root, { id: A, cwd: '/w', start: '2026-11-20T10:00:00.000Z' });
    const db = new Database(join(root, 'state_5.sqlite'));
    db.exec(`CREATE TABLE threads (thread TEXT, name TEXT)`);
    db.close();
    expect((await discoverCodex(root, memoryCache()))[0]!.title).toBe('list the files please');
    writeFileSync(join(root, 'state_5.sqlite'), 'garbage'.repeat(1000));
    expect((await discoverCodex(root, memoryCache()))[0]!.title).toBe('list the files please');
  });

  it('finds nothing when Codex was never run', async () => {
    expect(await discoverCodex(root, memoryCache())).toEqual([]);
  });

  it('survives garbage lines, a truncated last line, an empty file and a 20 MB prompt', async () => {
    const lines = rolloutLines({ id: A, cwd: '/w', start: '2026-11-20T10:00:00.000Z' });
    const huge = JSON.stringify({
      timestamp: '2026-11-20T10:00:00.500Z',
      type: 'response_item',
      payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Paste: ${'z'.repeat(20 * 1024 * 1024)}` }] },
    });
    const content = [lines[0], '%%% garbage %%%', '{"half":', lines[1], lines[2], lines[3], huge, ...lines.slice(4), '{"timestamp":"2026-11-20T10:09:00Z","type":"respo'].join('\n');
    writeRollout(root, { id: A, cwd: '/w', start: '2026-11-20T10:00:00.000Z', content });
    writeRollout(root, { id: B, cwd: '/w', start: '2026-11-20T10:00:00.000Z', content: '' });
    const t0 = Date.now();
    const sessions = await discoverCodex(root, memoryCache());
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ vendorSessionId: A, cwd: '/w', messageCount: 3, updatedAt: '2026-11-20T10:00:05.000Z' });
    expect(sessions[0]!.title.startsWith('Paste: zzzz')).toBe(true);
    expect(sessions[0]!.title.length).toBeLessThanOrEqual(200);
  });

  it('reads an unchanged file from the cache and a grown one from its last offset', async () => {
    const path = writeRollout(root, { id: A, cwd: '/w', start: '2026-11-20T10:00:00.000Z' });
    const cache = memoryCache();
    await discoverCodex(root, cache);
    const first = cache.entries.get(path)!;
    expect(first.offset).toBe(statSync(path).size);

    expect((await discoverCodex(root, cache))[0]!.messageCount).toBe(2);
    expect(cache.entries.get(path)).toBe(first);

    appendFileSync(
      path,
      JSON.stringify({ timestamp: '2026-11-20T11:00:00.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'and again' }] } }) + '\n',
    );
    const grown = await discoverCodex(root, cache);
    expect(grown[0]).toMatchObject({ messageCount: 3, updatedAt: '2026-11-20T11:00:00.000Z', title: 'list the files please' });
    expect(cache.entries.get(path)!.offset).toBe(statSync(path).size);
  });

  it('reads a rewritten file again from the start, and forgets files that are gone', async () => {
    const path = writeRollout(root, { id: A, cwd: '/old', start: '2026-11-20T10:00:00.000Z' });
    const other = writeRollout(root, { id: C, cwd: '/c', start: '2026-11-20T10:00:00.000Z' });
    const cache = memoryCache();
    await discoverCodex(root, cache);
    writeFileSync(path, rolloutLines({ id: A, cwd: '/new/and/longer/path', start: '2026-11-20T10:00:00.000Z', extra: [{ type: 'noise' }] }).join('\n') + '\n');
    writeFileSync(other, '');
    const sessions = await discoverCodex(root, cache);
    expect(sessions.map((s) => [s.vendorSessionId, s.cwd])).toEqual([[A, '/new/and/longer/path']]);
  });
});
