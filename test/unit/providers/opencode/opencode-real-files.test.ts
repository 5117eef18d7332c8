import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessRunner, RunResult } from '../../../../src/domain/process-runner.js';
import { exportOpencodeBundle, importOpencodeBundle } from '../../../../src/providers/opencode/opencode-bundle.js';
import { discoverOpencode } from '../../../../src/providers/opencode/opencode-discovery.js';
import { readOpencodeTranscript } from '../../../../src/providers/opencode/opencode-transcript.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { rejectionOf } from '../../../helpers/happier-error.js';

// Files written by OpenCode 1.18.33 itself (test/fixtures/real/README.md): one session from
// `opencode run`, and, where captured, one from the TUI.
const real = new URL('../../../fixtures/real/', import.meta.url).pathname;
const captured = JSON.parse(readFileSync(join(real, 'sessions.json'), 'utf8')) as Record<string, { vendorSessionId: string }>;
const cases = Object.entries(captured)
  .filter(([key]) => (key === 'opencode' || key.startsWith('opencode-')) && existsSync(join(real, key, 'opencode.db')))
  .map(([key, c]) => {
    const fixture = join(real, key);
    const id = c.vendorSessionId;
    const db = new Database(join(fixture, 'opencode.db'), { readonly: true });
    const row = db.prepare(`SELECT directory, time_updated AS updated FROM session WHERE id = ?`).get(id) as { directory: string; updated: number };
    db.close();
    return { key, fixture, id, row, exportText: readFileSync(join(fixture, `export-${id}.json`), 'utf8') };
  });

let tmp: { path: string; cleanup: () => void };
let dbPath: string;
const ctxWith = (runner: ProcessRunner): ProviderContext => ({ env: { XDG_DATA_HOME: join(tmp.path, 'xdg') }, homeDir: tmp.path, runner });
const noRunner: ProcessRunner = { run: () => Promise.reject(new Error('no process expected')) };

beforeEach(() => {
  tmp = tempDir('happier-opencode-real-');
  dbPath = join(tmp.path, 'xdg', 'opencode', 'opencode.db');
  mkdirSync(join(tmp.path, 'xdg', 'opencode'), { recursive: true });
});
afterEach(() => tmp.cleanup());

it('has real OpenCode files to check', () => {
  expect(cases.map((c) => c.key)).toContain('opencode');
});

describe.each(cases)('opencode adapter on real files: $key', ({ fixture, id, row, exportText }) => {
  beforeEach(() => cpSync(join(fixture, 'opencode.db'), dbPath));

  it('discovers the session with its directory, title and four messages', async () => {
    const { sessions, skippedDb } = await discoverOpencode(ctxWith(noRunner));
    expect(skippedDb).toBeNull();
    expect(sessions).toEqual([
      expect.objectContaining({ vendorSessionId: id, cwd: row.directory, title: 'Mock session title', messageCount: 4, updatedAt: new Date(row.updated).toISOString() }),
    ]);
    expect(row.directory.startsWith('/home/dev/')).toBe(true);
    expect(sessions[0]!.sizeBytes).toBeGreaterThan(500);
  });

  it('reads the transcript', async () => {
    const t = await readOpencodeTranscript(ctxWith(noRunner), id);
    expect(t.skippedLines).toBe(0);
    expect(t.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(t.messages[0]!.text).toContain('Remember the secret word TANGERINE-4417.');
    expect(t.messages[2]!.text).toContain('What was the secret word?');
    expect(t.messages[3]!.text).toMatch(/^Mock reply number \d+\.$/);
    expect(t.messages[0]!.at).not.toBeNull();
  });

  it('takes the real export output and imports it over its own earlier copy without a conflict', async () => {
    const calls: string[][] = [];
    const runner: ProcessRunner = {
      async run(_bin, args): Promise<RunResult> {
        calls.push([...args]);
        return { code: 0, signal: null, stdout: args[0] === 'export' ? exportText : '', stderr: '' };
      },
    };
    const bundle = await exportOpencodeBundle(ctxWith(runner), id);
    expect(bundle.sourceCwd).toBe(row.directory);
    expect((bundle.meta.messageIds as string[]).length).toBe(4);
    await importOpencodeBundle(ctxWith(runner), bundle, { targetCwd: tmp.path });
    expect(calls.map((c) => c[0])).toEqual(['export', 'import']);
  });

  it('refuses with CONFLICT when the target copy has a message the export lacks', async () => {
    const db = new Database(dbPath);
    db.prepare(`INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('msg_zzzzzzzzzzzzzzzzzzzzzzzzzz', ?, 1, 1, '{"role":"user"}')`).run(id);
    db.close();
    const runner: ProcessRunner = { run: async () => ({ code: 0, signal: null, stdout: exportText, stderr: '' }) };
    const bundle = await exportOpencodeBundle(ctxWith(runner), id);
    expect((await rejectionOf(importOpencodeBundle(ctxWith(runner), bundle, { targetCwd: tmp.path }))).code).toBe('CONFLICT');
  });
});
