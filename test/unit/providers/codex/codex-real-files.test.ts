import Database from 'better-sqlite3';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCodexBundle, importCodexBundle } from '../../../../src/providers/codex/codex-bundle.js';
import { discoverCodex } from '../../../../src/providers/codex/codex-discovery.js';
import { readCodexTranscript } from '../../../../src/providers/codex/codex-transcript.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { memoryCache } from './codex-rollout-fixture.js';

// Files written by Codex 0.169.0 itself (test/fixtures/real/README.md): one session from
// `codex exec`, and, where captured, one from the interactive TUI.
const real = new URL('../../../fixtures/real/', import.meta.url).pathname;
const captured = JSON.parse(readFileSync(join(real, 'sessions.json'), 'utf8')) as Record<string, { vendorSessionId: string }>;
const cases = Object.entries(captured)
  .filter(([key]) => (key === 'codex' || key.startsWith('codex-')) && existsSync(join(real, key, 'sessions')))
  .map(([key, c]) => {
    const fixture = join(real, key);
    const id = c.vendorSessionId;
    const rel = (readdirSync(join(fixture, 'sessions'), { recursive: true }) as string[])
      .map((p) => `sessions/${p.split('\\').join('/')}`)
      .find((p) => p.endsWith(`-${id}.jsonl`))!;
    const db = new Database(join(fixture, 'state_5.sqlite'), { readonly: true });
    const thread = db.prepare(`SELECT cwd, title, name FROM threads WHERE id = ?`).get(id) as { cwd: string; title: string; name: string | null };
    db.close();
    const records = readFileSync(join(fixture, ...rel.split('/')), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    return { key, fixture, id, rel, thread, lastTimestamp: records.at(-1).timestamp as string };
  });

let tmp: { path: string; cleanup: () => void };
const noRunner = { run: () => Promise.reject(new Error('no process expected')) };
beforeEach(() => {
  tmp = tempDir('happier-codex-real-');
});
afterEach(() => tmp.cleanup());

it('has real Codex files to check', () => {
  expect(cases.map((c) => c.key)).toContain('codex');
});

describe.each(cases)('codex adapter on real files: $key', ({ fixture, id, rel, thread, lastTimestamp }) => {
  let source: ProviderContext;
  beforeEach(() => {
    cpSync(fixture, join(tmp.path, 'a', '.codex'), { recursive: true });
    source = { env: { CODEX_HOME: join(tmp.path, 'a', '.codex') }, homeDir: join(tmp.path, 'a'), runner: noRunner };
  });

  it('discovers the session with the cwd and name Codex indexed, and both turns', async () => {
    const found = await discoverCodex(source.env.CODEX_HOME!, memoryCache());
    expect(found).toEqual([
      expect.objectContaining({
        agent: 'codex',
        vendorSessionId: id,
        cwd: thread.cwd,
        // The TUI has the model name the thread; `exec` leaves the first prompt as its title.
        title: thread.name ?? 'Remember the secret word TANGERINE-4417. Reply briefly.',
        messageCount: 4,
        updatedAt: lastTimestamp,
      }),
    ]);
    expect(thread.title).toBe('Remember the secret word TANGERINE-4417. Reply briefly.');
  });

  it('reads the transcript without the context Codex injects', async () => {
    const t = await readCodexTranscript(source, id);
    expect(t.skippedLines).toBe(0);
    expect(t.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(t.messages[0]!.text).toBe('Remember the secret word TANGERINE-4417. Reply briefly.');
    expect(t.messages[2]!.text).toBe('What was the secret word? Reply briefly.');
    expect(t.messages[1]!.text).toMatch(/^Mock reply number \d+\.$/);
  });

  it('moves to another home and cwd: cwd rewritten, the real stale thread row repaired', async () => {
    const targetRoot = join(tmp.path, 'b', '.codex');
    cpSync(join(fixture, 'state_5.sqlite'), join(targetRoot, 'state_5.sqlite'));
    const target: ProviderContext = { env: { CODEX_HOME: targetRoot }, homeDir: join(tmp.path, 'b'), runner: noRunner };
    const targetCwd = join(tmp.path, 'b', 'work dir ✓');

    const bundle = await exportCodexBundle(source, id);
    expect(bundle.files.map((f) => f.path)).toEqual([rel]);
    expect(bundle.sourceCwd).toBe(thread.cwd);
    const { writtenPaths } = await importCodexBundle(target, bundle, { targetCwd });
    expect(writtenPaths).toEqual([join(targetRoot, ...rel.split('/'))]);

    const lines = readFileSync(writtenPaths[0]!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    const cwds = lines.filter((r) => r.type === 'session_meta' || r.type === 'turn_context').map((r) => r.payload.cwd);
    expect(cwds).toEqual([targetCwd, targetCwd, targetCwd]);
    expect(lines[0].payload.runtime_workspace_roots).toEqual([targetCwd]);
    expect(JSON.stringify(lines.filter((r) => r.type === 'turn_context'))).not.toContain(thread.cwd);

    const db = new Database(join(targetRoot, 'state_5.sqlite'), { readonly: true });
    expect(db.prepare(`SELECT rollout_path, cwd, title FROM threads WHERE id = ?`).get(id)).toEqual({
      rollout_path: writtenPaths[0],
      cwd: targetCwd,
      title: thread.title,
    });
    db.close();
    expect((await readCodexTranscript(target, id)).messages).toHaveLength(4);
  });
});
