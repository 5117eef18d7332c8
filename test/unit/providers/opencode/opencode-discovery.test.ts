import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { discoverOpencode } from '../../../../src/providers/opencode/opencode-discovery.js';
import { findNewSession } from '../../../../src/providers/opencode/opencode-provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { createOpencodeDb, insertSession, writeStorageSession } from './opencode-db-fixture.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const spacey = '/home/u/my project/ünïcødé ✓';
const long = `/home/u/${'deep-folder-name/'.repeat(14)}end`;

let tmp: { path: string; cleanup: () => void };
let ctx: ProviderContext;
let dataDir: string;
let dbPath: string;

beforeEach(() => {
  tmp = tempDir('happier-opencode-');
  dataDir = join(tmp.path, 'xdg', 'opencode');
  dbPath = join(dataDir, 'opencode.db');
  ctx = { env: { XDG_DATA_HOME: join(tmp.path, 'xdg') }, homeDir: join(tmp.path, 'home'), runner: { run: () => Promise.reject(new Error('no process expected')) } };
});
afterEach(() => tmp.cleanup());

describe('opencode discovery', () => {
  it('lists top-level sessions from the database with cwd, title, time, count and size', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: 'ses_aaaaaaaaaaaaaaaaaaaaaaaaaa', directory: spacey, title: 'Fix the parser', created: T0, updated: T0 + 60_000 }, [
      { id: 'msg_a1', role: 'user', at: T0, parts: [{ type: 'text', text: 'fix it' }] },
      { id: 'msg_a2', role: 'assistant', at: T0 + 1, parts: [{ type: 'text', text: 'done' }, { type: 'tool', tool: 'bash', state: { input: { command: 'ls' } } }] },
    ]);
    insertSession(db, { id: 'ses_bbbbbbbbbbbbbbbbbbbbbbbbbb', directory: long, title: 'Long path', created: T0 + 1000 });
    insertSession(db, { id: 'ses_cccccccccccccccccccccccccc', directory: spacey, title: 'sub-agent', created: T0 + 2000, parent: 'ses_aaaaaaaaaaaaaaaaaaaaaaaaaa' });
    db.close();

    const { sessions, skippedDb } = await discoverOpencode(ctx);
    expect(skippedDb).toBeNull();
    expect(sessions.map((s) => s.vendorSessionId)).toEqual(['ses_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'ses_bbbbbbbbbbbbbbbbbbbbbbbbbb']);
    const a = sessions[0]!;
    expect(a).toMatchObject({ agent: 'opencode', cwd: spacey, title: 'Fix the parser', updatedAt: '2026-11-20T10:01:00.000Z', messageCount: 2, path: dbPath });
    expect(a.sizeBytes).toBeGreaterThan(100);
    expect(sessions[1]).toMatchObject({ cwd: long, messageCount: 0, sizeBytes: 0 });
  });

  it('adds sessions only the pre-1.2 JSON files know, once each', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: 'ses_migratedmigratedmigrated', directory: '/w/a', title: 'in the db', created: T0 });
    db.close();
    const storage = join(dataDir, 'storage');
    writeStorageSession(storage, { id: 'ses_migratedmigratedmigrated', projectId: 'global', directory: '/w/a', title: 'old copy', created: T0 });
    writeStorageSession(storage, { id: 'ses_legacylegacylegacylegacy', projectId: '4b825dc6', directory: spacey, title: 'only in json', created: T0 - 5000 }, [
      { id: 'msg_l1', role: 'user', at: T0 - 5000, parts: [{ type: 'text', text: 'hi' }] },
    ]);
    writeStorageSession(storage, { id: 'ses_childchildchildchildchil', projectId: 'global', directory: '/w/a', title: 'child', created: T0, parent: 'ses_legacylegacylegacylegacy' });
    mkdirSync(join(storage, 'session', 'global'), { recursive: true });
    writeFileSync(join(storage, 'session', 'global', 'ses_brokenbrokenbrokenbroken.json'), '{"id":"ses_brok');

    const { sessions } = await discoverOpencode(ctx);
    expect(sessions.map((s) => [s.vendorSessionId, s.title])).toEqual([
      ['ses_migratedmigratedmigrated', 'in the db'],
      ['ses_legacylegacylegacylegacy', 'only in json'],
    ]);
    expect(sessions[1]).toMatchObject({ cwd: spacey, messageCount: 1 });
    expect(sessions[1]!.path).toContain(join('storage', 'session', '4b825dc6'));
  });

  it('finds nothing, quietly, when OpenCode was never run', async () => {
    expect(await discoverOpencode(ctx)).toEqual({ sessions: [], skippedDb: null });
  });

  it('skips a database of an unknown schema with a reason instead of crashing', async () => {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE session (id TEXT PRIMARY KEY, name TEXT)`);
    db.close();
    const { sessions, skippedDb } = await discoverOpencode(ctx);
    expect(sessions).toEqual([]);
    expect(skippedDb).toContain('no directory');
  });

  it('skips a database with no session table, and a file that is not SQLite', async () => {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE something_else (x)`);
    db.close();
    expect((await discoverOpencode(ctx)).skippedDb).toContain('no session table');

    writeFileSync(dbPath, 'this is not a database at all, just text'.repeat(200));
    const res = await discoverOpencode(ctx);
    expect(res.sessions).toEqual([]);
    expect(res.skippedDb).toMatch(/skipped OpenCode database/);
  });

  it('reads a schema that keeps the session as one JSON data column', async () => {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT, parent_id TEXT, created_at INTEGER, updated_at INTEGER, data TEXT)`);
    db.prepare(`INSERT INTO session VALUES (?, 'global', NULL, ?, ?, ?)`).run(
      'ses_jsoncolumnjsoncolumnjson',
      T0,
      T0 + 5,
      JSON.stringify({ directory: '/w/json', title: 'from json' }),
    );
    db.close();
    const { sessions } = await discoverOpencode(ctx);
    expect(sessions).toEqual([
      expect.objectContaining({ vendorSessionId: 'ses_jsoncolumnjsoncolumnjson', cwd: '/w/json', title: 'from json', messageCount: 0 }),
    ]);
  });

  it('reads while OpenCode holds a write transaction open', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: 'ses_busybusybusybusybusybusy', directory: '/w/busy', title: 'busy', created: T0 });
    db.exec('BEGIN IMMEDIATE');
    db.prepare(`UPDATE session SET title = 'uncommitted'`).run();
    const { sessions } = await discoverOpencode(ctx);
    db.exec('ROLLBACK');
    db.close();
    expect(sessions.map((s) => s.title)).toEqual(['busy']);
  });

  it('honours OPENCODE_DB', async () => {
    const other = join(tmp.path, 'elsewhere', 'o.db');
    const db = createOpencodeDb(other);
    insertSession(db, { id: 'ses_elsewhereelsewhereelsewh', directory: '/w/e', title: 'e', created: T0 });
    db.close();
    const { sessions } = await discoverOpencode({ ...ctx, env: { ...ctx.env, OPENCODE_DB: other } });
    expect(sessions.map((s) => s.path)).toEqual([other]);
  });
});

describe('opencode findNewSession', () => {
  it('returns the newest session created in the cwd since the given time', async () => {
    const cwd = join(tmp.path, 'work dir');
    mkdirSync(cwd);
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: 'ses_oldoldoldoldoldoldoldold', directory: cwd, title: 'old', created: T0 - 10_000 });
    insertSession(db, { id: 'ses_newnewnewnewnewnewnewnew', directory: cwd, title: 'new', created: T0 + 10 });
    insertSession(db, { id: 'ses_otherotherotherotherothe', directory: '/elsewhere', title: 'other', created: T0 + 20 });
    db.close();
    expect(await findNewSession(ctx, { cwd, since: new Date(T0) })).toBe('ses_newnewnewnewnewnewnewnew');
    expect(await findNewSession(ctx, { cwd, since: new Date(T0 + 100) })).toBeNull();
    expect(await findNewSession(ctx, { cwd: '/nowhere', since: new Date(0) })).toBeNull();
  });

  it('returns null while OpenCode has not created its database yet', async () => {
    expect(await findNewSession(ctx, { cwd: tmp.path, since: new Date(0) })).toBeNull();
  });
});

describe('opencode provider discover', () => {
  it('reports an unreadable database as PROVIDER_FAILED with the reason, so the CLI can warn', async () => {
    const { opencodeProvider } = await import('../../../../src/providers/opencode/opencode-provider.js');
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE unrelated (x)`);
    db.close();
    const cache = { get: () => undefined, put: () => undefined, prune: () => undefined };
    await expect(opencodeProvider.discover(ctx, cache)).rejects.toMatchObject({ code: 'PROVIDER_FAILED', message: expect.stringContaining('no session table') });
    writeStorageSession(join(dataDir, 'storage'), { id: 'ses_legacylegacylegacylegacy', projectId: 'global', directory: '/w', title: 'old', created: T0 });
    expect((await opencodeProvider.discover(ctx, cache)).map((s) => s.vendorSessionId)).toEqual(['ses_legacylegacylegacylegacy']);
  });
});

describe('opencode titles', () => {
  it('shows the first prompt while OpenCode has not titled the session yet', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: 'ses_untitleduntitleduntitled', directory: '/w', title: 'New session - 2026-11-20T10:00:00.000Z', created: T0 }, [
      { id: 'msg_01', role: 'user', at: T0, parts: [{ type: 'text', text: 'file body', synthetic: true }, { type: 'text', text: '  Add a\n --verbose flag ' }] },
    ]);
    insertSession(db, { id: 'ses_emptyemptyemptyemptyempt', directory: '/w', title: 'New session - 2026-11-20T10:00:01.000Z', created: T0 + 1 });
    db.close();
    const { sessions } = await discoverOpencode(ctx);
    expect(sessions.map((s) => s.title)).toEqual(['New session - 2026-11-20T10:00:01.000Z', 'Add a --verbose flag']);
  });
});
