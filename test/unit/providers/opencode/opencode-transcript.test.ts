import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { readOpencodeTranscript } from '../../../../src/providers/opencode/opencode-transcript.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { createOpencodeDb, insertSession, writeStorageSession } from './opencode-db-fixture.js';
import { rejectionOf } from '../../../helpers/happier-error.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const ID = 'ses_transcripttranscripttran';

let tmp: { path: string; cleanup: () => void };
let ctx: ProviderContext;
let dbPath: string;

beforeEach(() => {
  tmp = tempDir('happier-opencode-tr-');
  dbPath = join(tmp.path, 'xdg', 'opencode', 'opencode.db');
  ctx = { env: { XDG_DATA_HOME: join(tmp.path, 'xdg') }, homeDir: tmp.path, runner: { run: () => Promise.reject(new Error('no process expected')) } };
});
afterEach(() => tmp.cleanup());

describe('opencode transcript', () => {
  it('turns messages and parts into preview messages with tool calls summarised', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(db, { id: ID, directory: '/w', title: 't', created: T0 }, [
      { id: 'msg_01', role: 'user', at: T0, parts: [{ type: 'text', text: 'list the files' }, { type: 'text', text: 'injected file body', synthetic: true }] },
      {
        id: 'msg_02',
        role: 'assistant',
        at: T0 + 1000,
        parts: [
          { type: 'step-start' },
          { type: 'reasoning', text: 'thinking…' },
          { type: 'tool', tool: 'bash', state: { status: 'completed', input: { command: 'ls -la\n  /tmp' } } },
          { type: 'tool', tool: 'read', state: { status: 'completed', input: { filePath: '/w/a b.ts' } } },
          { type: 'tool', tool: 'todowrite', state: { status: 'completed', input: { todos: [] } } },
          { type: 'text', text: 'Here they are.' },
        ],
      },
      { id: 'msg_03', role: 'assistant', at: T0 + 2000, parts: [{ type: 'step-finish' }] },
    ]);
    db.close();

    const t = await readOpencodeTranscript(ctx, ID);
    expect(t).toEqual({
      messages: [
        { role: 'user', text: 'list the files', toolSummary: null, at: '2026-11-20T10:00:00.000Z' },
        { role: 'assistant', text: 'Here they are.', toolSummary: 'bash(ls -la /tmp), read(/w/a b.ts), todowrite', at: '2026-11-20T10:00:01.000Z' },
      ],
      skippedLines: 0,
    });
  });

  it('keeps only the last messages when asked, and counts garbage records', async () => {
    const db = createOpencodeDb(dbPath);
    insertSession(
      db,
      { id: ID, directory: '/w', title: 't', created: T0 },
      Array.from({ length: 6 }, (_, i) => ({ id: `msg_${i}`, role: i % 2 ? ('assistant' as const) : ('user' as const), at: T0 + i, parts: [{ type: 'text', text: `m${i}` }] })),
    );
    db.prepare(`UPDATE part SET data = '{"type":"text","text":"cut' WHERE message_id = 'msg_5'`).run();
    db.prepare(`INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('msg_9', ?, ?, ?, 'garbage')`).run(ID, T0 + 9, T0 + 9);
    db.close();

    const t = await readOpencodeTranscript(ctx, ID, { lastMessages: 3 });
    expect(t.messages.map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
    expect(t.skippedLines).toBe(2);
  });

  it('carries a 20 MB text part through', async () => {
    const db = createOpencodeDb(dbPath);
    const big = 'x'.repeat(20 * 1024 * 1024);
    insertSession(db, { id: ID, directory: '/w', title: 't', created: T0 }, [{ id: 'msg_01', role: 'assistant', at: T0, parts: [{ type: 'text', text: big }] }]);
    db.close();
    const t = await readOpencodeTranscript(ctx, ID);
    expect(t.messages[0]!.text.length).toBe(big.length);
  });

  it('reads a session from the pre-1.2 JSON files', async () => {
    writeStorageSession(join(tmp.path, 'xdg', 'opencode', 'storage'), { id: ID, projectId: 'global', directory: '/w', title: 'old', created: T0 }, [
      { id: 'msg_02', role: 'assistant', at: T0 + 5, parts: [{ type: 'text', text: 'answer' }] },
      { id: 'msg_01', role: 'user', at: T0, parts: [{ type: 'text', text: 'question' }] },
    ]);
    const t = await readOpencodeTranscript(ctx, ID);
    expect(t.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'question'],
      ['assistant', 'answer'],
    ]);
  });

  it('says NOT_FOUND for an unknown session and USAGE for a malformed id', async () => {
    createOpencodeDb(dbPath).close();
    expect((await rejectionOf(readOpencodeTranscript(ctx, 'ses_unknownunknownunknownun'))).code).toBe('NOT_FOUND');
    expect((await rejectionOf(readOpencodeTranscript(ctx, '../../etc/passwd'))).code).toBe('USAGE');
  });
});
