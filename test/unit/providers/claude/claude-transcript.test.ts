import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeProvider } from '../../../../src/providers/claude/claude-provider.js';
import { readClaudeTranscript, readClaudeTranscriptTail } from '../../../../src/providers/claude/claude-transcript.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { assistantLine, attachmentLine, lines, text, toolResult, toolUse, userLine } from './claude-records-fixture.js';

const dir = tempDir('happier-claude-tr-');
afterAll(() => dir.cleanup());
let n = 0;
function file(body: string): string {
  const p = join(dir.path, `t${n++}.jsonl`);
  writeFileSync(p, body);
  return p;
}
const id = randomUUID();

describe('readClaudeTranscript', () => {
  it('normalises prompts, answers and tool calls, merging the records of one assistant turn', () => {
    const msgId = 'msg_1';
    const p = file(
      lines(
        userLine(id, '/w', 'run the tests'),
        assistantLine(id, '/w', [text('Running them.')], msgId),
        assistantLine(id, '/w', [toolUse('Bash', { command: 'npm test', description: 'run' })], msgId),
        userLine(id, '/w', toolResult('2 passed\n0 failed')),
        assistantLine(id, '/w', [toolUse('Edit', { file_path: 'src/a.ts', old_string: 'a' }), text('Done')]),
        JSON.stringify({ type: 'file-history-snapshot', snapshot: {} }),
        JSON.stringify({ type: 'some-future-type', x: 1 }),
        userLine(id, '/w', '<command-name>/clear</command-name>'),
      ),
    );
    const t = readClaudeTranscript(p);
    expect(t.skippedLines).toBe(0);
    expect(t.messages.map(({ role, text, toolSummary }) => ({ role, text, toolSummary }))).toEqual([
      { role: 'user', text: 'run the tests', toolSummary: null },
      { role: 'assistant', text: 'Running them.', toolSummary: 'Bash(npm test)' },
      { role: 'tool', text: '2 passed 0 failed', toolSummary: null },
      { role: 'assistant', text: 'Done', toolSummary: 'Edit(src/a.ts)' },
    ]);
    expect(t.messages[0]!.at).toMatch(/^2026-/);
  });

  it('puts a first prompt Claude wrote after its reply back before it, so the reply follows the prompt', () => {
    const prompt = userLine(id, '/w', 'Keep SECRET in mind');
    const reply = [assistantLine(id, '/w', [text('Noted.')], 'msg_r'), assistantLine(id, '/w', [text('Anything else?')], 'msg_r')];
    const p = file(lines(reply[0]!, prompt, reply[1]!, userLine(id, '/w', 'next')));
    const t = readClaudeTranscript(p);
    expect(t.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'Keep SECRET in mind'],
      ['assistant', 'Noted.\nAnything else?'],
      ['user', 'next'],
    ]);
  });

  it('skips and counts garbage, and ignores a half-written last line', () => {
    const p = file('nonsense\n{"broken":\n' + lines(userLine(id, '/w', 'hello')) + userLine(id, '/w', 'later').slice(0, 50));
    const t = readClaudeTranscript(p);
    expect(t.skippedLines).toBe(2);
    expect(t.messages.map((m) => m.text)).toEqual(['hello']);
  });

  it('shows a 20 MB record as a short placeholder instead of loading it', () => {
    const p = file(lines(userLine(id, '/w', 'q'), assistantLine(id, '/w', [text('y'.repeat(20 * 1024 * 1024))]), userLine(id, '/w', 'next')));
    const t = readClaudeTranscript(p);
    expect(t.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'q'],
      ['assistant', '[a record of 20 MiB, too long to preview]'],
      ['user', 'next'],
    ]);
  });
});

describe('readClaudeTranscriptTail', () => {
  it('returns only the latest N messages, oldest first', () => {
    const body = Array.from({ length: 500 }, (_, i) => lines(attachmentLine(id, '/w', 10), userLine(id, '/w', `q${i}`), assistantLine(id, '/w', [text(`a${i}`)]))).join('');
    const p = file(body);
    expect(readClaudeTranscriptTail(p, 3).messages.map((m) => m.text)).toEqual(['a498', 'q499', 'a499']);
    expect(readClaudeTranscriptTail(p, 0).messages).toEqual([]);
    expect(readClaudeTranscriptTail(file(lines(userLine(id, '/w', 'only'))), 10).messages.map((m) => m.text)).toEqual(['only']);
  });
});

describe('claudeProvider.readTranscript', () => {
  it('finds the transcript by id in whichever project folder holds it', async () => {
    const root = join(dir.path, 'root');
    const sid = randomUUID();
    mkdirSync(join(root, 'projects', '-some-other-slug'), { recursive: true });
    writeFileSync(join(root, 'projects', '-some-other-slug', `${sid}.jsonl`), lines(userLine(sid, '/w', 'a'), userLine(sid, '/w', 'b')));
    const ctx: ProviderContext = { env: { CLAUDE_CONFIG_DIR: root }, homeDir: '/nowhere', runner: { run: async () => ({ code: 0, signal: null, stdout: '', stderr: '' }) } };
    expect((await claudeProvider.readTranscript(ctx, sid, { lastMessages: 1 })).messages.map((m) => m.text)).toEqual(['b']);
    await expect(claudeProvider.readTranscript(ctx, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(claudeProvider.readTranscript(ctx, '../etc/passwd')).rejects.toMatchObject({ code: 'USAGE' });
  });
});
