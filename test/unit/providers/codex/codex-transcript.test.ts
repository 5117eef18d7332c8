import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCodexTranscript } from '../../../../src/providers/codex/codex-transcript.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { rolloutLines, writeRollout } from './codex-rollout-fixture.js';
import { rejectionOf } from '../../../helpers/happier-error.js';

const A = '019a7f3e-5c2b-7d41-9e8f-0a1b2c3d4e5f';
const start = '2026-11-20T10:00:00.000Z';

let tmp: { path: string; cleanup: () => void };
let ctx: ProviderContext;
let root: string;
beforeEach(() => {
  tmp = tempDir('happier-codex-tr-');
  root = join(tmp.path, 'codex home');
  ctx = { env: { CODEX_HOME: root }, homeDir: tmp.path, runner: { run: () => Promise.reject(new Error('no process expected')) } };
});
afterEach(() => tmp.cleanup());

describe('codex transcript', () => {
  it('keeps what the user typed and the answers, with the tool calls on the answer they led to', async () => {
    writeRollout(root, { id: A, cwd: '/w', start });
    expect(await readCodexTranscript(ctx, A)).toEqual({
      messages: [
        { role: 'user', text: 'list the files please', toolSummary: null, at: '2026-11-20T10:00:01.000Z' },
        { role: 'assistant', text: 'There is a.txt.', toolSummary: 'shell(ls -la), apply_patch(src/a.ts)', at: '2026-11-20T10:00:04.000Z' },
      ],
      skippedLines: 0,
    });
  });

  it('counts garbage and a half-written last line, and cuts a 20 MB message to a preview', async () => {
    const lines = rolloutLines({ id: A, cwd: '/w', start });
    const huge = JSON.stringify({
      timestamp: '2026-11-20T10:00:06.000Z',
      type: 'response_item',
      payload: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `Here: ${'q'.repeat(20 * 1024 * 1024)}` }] },
    });
    writeRollout(root, { id: A, cwd: '/w', start, content: [...lines, 'not json', '[1,2]', huge, '{"timestamp":"2026-11-20T10:00:07Z","typ'].join('\n') });
    const t = await readCodexTranscript(ctx, A);
    expect(t.skippedLines).toBe(3);
    const last = t.messages.at(-1)!;
    expect(last.role).toBe('assistant');
    expect(last.text.startsWith('Here: qqq')).toBe(true);
    expect(last.text.endsWith('…')).toBe(true);
    expect(last.text.length).toBeLessThan(5000);
  });

  it('gives only the last messages when asked, and stands tool calls alone when no answer followed', async () => {
    const extra = [
      { timestamp: '2026-11-20T10:01:00.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'run the tests' }] } },
      { timestamp: '2026-11-20T10:01:01.000Z', type: 'response_item', payload: { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"npm test"}', call_id: 'c9' } },
    ];
    writeRollout(root, { id: A, cwd: '/w', start, content: rolloutLines({ id: A, cwd: '/w', start, extra }).join('\n') + '\n' });
    const t = await readCodexTranscript(ctx, A, { lastMessages: 2 });
    expect(t.messages).toEqual([
      { role: 'user', text: 'run the tests', toolSummary: null, at: '2026-11-20T10:01:00.000Z' },
      { role: 'assistant', text: '', toolSummary: 'exec_command(npm test)', at: '2026-11-20T10:01:01.000Z' },
    ]);
  });

  it('gives the same last messages from a long rollout as a full read does', async () => {
    const turns = Array.from({ length: 400 }, (_, i) => [
      { timestamp: start, type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `q${i}` }] } },
      { timestamp: start, type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: `{"command":["bash","-lc","echo ${i}"]}` } },
      { timestamp: start, type: 'event_msg', payload: { type: 'token_count' } },
      { timestamp: start, type: 'response_item', payload: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `a${i}` }] } },
    ]).flat();
    writeRollout(root, { id: A, cwd: '/w', start, content: rolloutLines({ id: A, cwd: '/w', start, extra: turns }).join('\n') + '\n' });
    const full = await readCodexTranscript(ctx, A);
    for (const n of [1, 5, 300]) {
      expect((await readCodexTranscript(ctx, A, { lastMessages: n })).messages).toEqual(full.messages.slice(-n));
    }
    expect((await readCodexTranscript(ctx, A, { lastMessages: 5 })).messages.at(-1)).toMatchObject({ text: 'a399', toolSummary: 'shell(echo 399)' });
  });

  it('reads an archived rollout, and says NOT_FOUND or USAGE otherwise', async () => {
    writeRollout(root, { id: A, cwd: '/w', start, archived: true });
    expect((await readCodexTranscript(ctx, A)).messages).toHaveLength(2);
    expect((await rejectionOf(readCodexTranscript(ctx, '019a7f3e-5c2b-7d41-9e8f-000000000000'))).code).toBe('NOT_FOUND');
    expect((await rejectionOf(readCodexTranscript(ctx, '../../etc/passwd'))).code).toBe('USAGE');
  });
});
