import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessRunner, RunOptions, RunResult } from '../../../../src/domain/process-runner.js';
import type { ProviderContext, StateBundle } from '../../../../src/providers/provider.js';
import { exportOpencodeBundle, importOpencodeBundle, OPENCODE_EXPORT_FILE } from '../../../../src/providers/opencode/opencode-bundle.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { createOpencodeDb, insertMessages, insertSession } from './opencode-db-fixture.js';
import { rejectionOf } from '../../../helpers/happier-error.js';

const ID = 'ses_bundlebundlebundlebundle';
const T0 = Date.parse('2026-11-20T10:00:00Z');

interface Call {
  bin: string;
  args: readonly string[];
  cwd: string | undefined;
  fileAtRun?: string;
}

function exportJson(messageIds: string[], id = ID): string {
  return JSON.stringify({
    info: { id, directory: '/src/dir', title: 'moved', time: { created: T0, updated: T0 } },
    messages: messageIds.map((m, i) => ({ info: { id: m, sessionID: id, role: i % 2 ? 'assistant' : 'user' }, parts: [{ type: 'text', text: `t${i}` }] })),
  });
}

/** A stand-in for the opencode CLI that answers export and records what import was given. */
function fakeOpencode(opts: { exportStdout?: string; importCode?: number; onImport?: (file: string) => void } = {}): { runner: ProcessRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: ProcessRunner = {
    async run(bin: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
      const call: Call = { bin, args, cwd: o.cwd };
      calls.push(call);
      if (args[0] === 'export') return { code: 0, signal: null, stdout: opts.exportStdout ?? '', stderr: '' };
      if (args[0] === 'import') {
        call.fileAtRun = readFileSync(args[1]!, 'utf8');
        if (opts.importCode) return { code: opts.importCode, signal: null, stdout: '', stderr: 'Error: boom\nat x' };
        opts.onImport?.(args[1]!);
        return { code: 0, signal: null, stdout: '', stderr: '' };
      }
      return { code: 1, signal: null, stdout: '', stderr: 'unexpected' };
    },
  };
  return { runner, calls };
}

let tmp: { path: string; cleanup: () => void };
let dbPath: string;
let ctxWith: (runner: ProcessRunner) => ProviderContext;

beforeEach(() => {
  tmp = tempDir('happier-opencode-bundle-');
  dbPath = join(tmp.path, 'xdg', 'opencode', 'opencode.db');
  ctxWith = (runner) => ({ env: { XDG_DATA_HOME: join(tmp.path, 'xdg'), HAPPIER_OPENCODE_BIN: '/opt/oc/opencode' }, homeDir: tmp.path, runner });
});
afterEach(() => tmp.cleanup());

function bundleOf(json: string): StateBundle {
  return { agent: 'opencode', vendorSessionId: ID, sourceCwd: '/src/dir', files: [{ path: OPENCODE_EXPORT_FILE, mode: 0o600, data: Buffer.from(json) }], meta: {} };
}

describe('opencode bundle export', () => {
  it('runs opencode export and keeps its JSON, even after a banner line', async () => {
    const { runner, calls } = fakeOpencode({ exportStdout: `Exporting session: ${ID}\n${exportJson(['msg_1', 'msg_2'])}\n` });
    const bundle = await exportOpencodeBundle(ctxWith(runner), ID);
    expect(calls).toEqual([{ bin: '/opt/oc/opencode', args: ['export', ID], cwd: tmp.path }]);
    expect(bundle).toMatchObject({ agent: 'opencode', vendorSessionId: ID, sourceCwd: '/src/dir', meta: { messageIds: ['msg_1', 'msg_2'] } });
    expect(JSON.parse(bundle.files[0]!.data.toString()).info.id).toBe(ID);
  });

  it('fails with PROVIDER_FAILED when the output is not that session', async () => {
    const other = fakeOpencode({ exportStdout: exportJson(['msg_1'], 'ses_someothersomeothersomeot') });
    expect((await rejectionOf(exportOpencodeBundle(ctxWith(other.runner), ID))).code).toBe('PROVIDER_FAILED');
    const garbage = fakeOpencode({ exportStdout: '{"info": {"id": "ses_bund' });
    expect((await rejectionOf(exportOpencodeBundle(ctxWith(garbage.runner), ID))).code).toBe('PROVIDER_FAILED');
  });

  it('reports a missing binary with a hint to install it', async () => {
    const runner: ProcessRunner = { run: async () => ({ code: 127, signal: null, stdout: '', stderr: 'spawn ENOENT' }) };
    const err = await rejectionOf(exportOpencodeBundle(ctxWith(runner), ID));
    expect(err.code).toBe('PROVIDER_FAILED');
    expect(err.hint).toContain('HAPPIER_OPENCODE_BIN');
  });
});

describe('opencode bundle import', () => {
  let targetCwd = '';
  beforeEach(() => {
    targetCwd = join(tmp.path, 'target', 'my dir', 'ünï');
    mkdirSync(targetCwd, { recursive: true });
  });

  it('refuses with PATH_MISSING when the target folder does not exist, and runs nothing', async () => {
    const { runner, calls } = fakeOpencode();
    const err = await rejectionOf(importOpencodeBundle(ctxWith(runner), bundleOf(exportJson(['msg_1'])), { targetCwd: join(tmp.path, 'nope') }));
    expect(err.code).toBe('PATH_MISSING');
    expect(calls).toEqual([]);
  });

  it('imports through a temporary file in the target cwd, then removes the file', async () => {
    createOpencodeDb(dbPath).close();
    const json = exportJson(['msg_1', 'msg_2']);
    let imported = '';
    const { runner, calls } = fakeOpencode({
      onImport: (file) => {
        imported = file;
        const db = createOpencodeDbIfNeeded();
        insertSession(db, { id: ID, directory: targetCwd, title: 'moved', created: T0 });
        db.close();
      },
    });
    const result = await importOpencodeBundle(ctxWith(runner), bundleOf(json), { targetCwd });
    expect(result).toEqual({ vendorSessionId: ID, writtenPaths: [] });
    expect(calls.map((c) => [c.args[0], c.cwd])).toEqual([['import', targetCwd]]);
    expect(calls[0]!.fileAtRun).toBe(json);
    expect(existsSync(imported)).toBe(false);
  });

  it('accepts a target that holds an earlier part of the same conversation', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: ID, directory: targetCwd, title: 'moved', created: T0 }, [{ id: 'msg_1', role: 'user', at: T0, parts: [] }]);
    db.close();
    const { runner, calls } = fakeOpencode({
      onImport: () => {
        const d = createOpencodeDbIfNeeded();
        insertMessages(d, ID, [{ id: 'msg_2', role: 'assistant', at: T0 + 1, parts: [] }]);
        d.close();
      },
    });
    await importOpencodeBundle(ctxWith(runner), bundleOf(exportJson(['msg_1', 'msg_2'])), { targetCwd });
    expect(calls).toHaveLength(1);
  });

  it('refuses with CONFLICT when the target has a different session under that id, and runs nothing', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: ID, directory: targetCwd, title: 'other', created: T0 }, [{ id: 'msg_theirs', role: 'user', at: T0, parts: [] }]);
    db.close();
    const { runner, calls } = fakeOpencode();
    const err = await rejectionOf(importOpencodeBundle(ctxWith(runner), bundleOf(exportJson(['msg_1'])), { targetCwd }));
    expect(err.code).toBe('CONFLICT');
    expect(calls).toEqual([]);
  });

  it('reports a failing import with its first error line, and leaves no temporary file', async () => {
    const { runner, calls } = fakeOpencode({ importCode: 1 });
    const err = await rejectionOf(importOpencodeBundle(ctxWith(runner), bundleOf(exportJson(['msg_1'])), { targetCwd }));
    expect(err.code).toBe('PROVIDER_FAILED');
    expect(err.message).toContain('Error: boom');
    expect(existsSync(calls[0]!.args[1]!)).toBe(false);
  });

  it('says PROVIDER_FAILED when import exits 0 but the session never reached the database', async () => {
    createOpencodeDb(dbPath).close();
    const { runner } = fakeOpencode();
    expect((await rejectionOf(importOpencodeBundle(ctxWith(runner), bundleOf(exportJson(['msg_1'])), { targetCwd }))).code).toBe('PROVIDER_FAILED');
  });

  it('refuses a bundle that does not hold this session', async () => {
    const { runner, calls } = fakeOpencode();
    const bad = { ...bundleOf(exportJson(['msg_1'], 'ses_someothersomeothersomeot')) };
    expect((await rejectionOf(importOpencodeBundle(ctxWith(runner), bad, { targetCwd }))).code).toBe('PROTOCOL');
    expect((await rejectionOf(importOpencodeBundle(ctxWith(runner), { ...bad, vendorSessionId: 'ses_x; rm' }, { targetCwd }))).code).toBe('USAGE');
    expect(calls).toEqual([]);
  });

  function createOpencodeDbIfNeeded() {
    return existsSync(dbPath) ? new Database(dbPath) : createOpencodeDb(dbPath);
  }
});
