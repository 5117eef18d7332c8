import { cpSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeProvider } from '../../../../src/providers/claude/claude-provider.js';
import { claudeSlug } from '../../../../src/providers/claude/claude-slug.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import { memoryScanCache } from '../../../../src/store/scan-cache-repo.js';
import { tempDir } from '../../../helpers/temp-dir.js';

// Files written by the real Claude Code 2.1.197 (see test/fixtures/real/README.md).
const FIXTURE_ROOT = fileURLToPath(new URL('../../../fixtures/real/claude', import.meta.url));
const SESSIONS = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/real/sessions.json', import.meta.url)), 'utf8'));
const ID: string = SESSIONS.claude.vendorSessionId;
const TRANSCRIPT = join(FIXTURE_ROOT, 'projects', '-home-dev-project', `${ID}.jsonl`);

const dir = tempDir('happier-claude-real-');
afterAll(() => dir.cleanup());
const ctxFor = (root: string): ProviderContext => ({
  env: { CLAUDE_CONFIG_DIR: root },
  homeDir: dir.path,
  runner: { run: async () => ({ code: 0, signal: null, stdout: '', stderr: '' }) },
});

describe('Claude adapter on files written by the real CLI', () => {
  it('discovers the session with its cwd, first prompt as title, and its four messages', async () => {
    const s = (await claudeProvider.discover(ctxFor(FIXTURE_ROOT), memoryScanCache())).find((d) => d.vendorSessionId === ID);
    expect(s).toMatchObject({
      agent: 'claude',
      vendorSessionId: ID,
      cwd: '/home/dev/project',
      title: 'Remember the secret word TANGERINE-4417. Reply briefly.',
      messageCount: 4,
      sizeBytes: readFileSync(TRANSCRIPT).length,
    });
    const stamps = readFileSync(TRANSCRIPT, 'utf8').match(/"timestamp":"[^"]+"/g)!;
    expect(s!.updatedAt).toBe(stamps.at(-1)!.slice('"timestamp":"'.length, -1));
  });

  it('reads both turns as preview messages', async () => {
    const t = await claudeProvider.readTranscript(ctxFor(FIXTURE_ROOT), ID);
    expect(t.skippedLines).toBe(0);
    expect(t.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'Remember the secret word TANGERINE-4417. Reply briefly.'],
      ['assistant', 'Mock reply number 1.'],
      ['user', 'What was the secret word? Reply briefly.'],
      ['assistant', 'Mock reply number 3.'],
    ]);
  });

  it('counts a real-shaped record (cwd after the message) as a message when it is too long to parse', async () => {
    const root = join(dir.path, 'long');
    const folder = join(root, 'projects', '-home-dev-project');
    mkdirSync(folder, { recursive: true });
    const lines = readFileSync(TRANSCRIPT, 'utf8').trim().split('\n');
    const prompt = JSON.parse(lines[2]!);
    prompt.message.content = 'please read this: ' + 'q'.repeat(3 * 1024 * 1024);
    writeFileSync(join(folder, `${ID}.jsonl`), [lines[0], lines[1], JSON.stringify(prompt), ...lines.slice(3)].join('\n') + '\n');
    const [s] = await claudeProvider.discover(ctxFor(root), memoryScanCache());
    expect(s).toMatchObject({ vendorSessionId: ID, cwd: '/home/dev/project', messageCount: 4 });
    expect(s!.title.startsWith('please read this: qqq')).toBe(true);
  });

  it('moves to another root and cwd, rewriting every cwd field, and discovers it there', async () => {
    const src = join(dir.path, 'src');
    cpSync(FIXTURE_ROOT, src, { recursive: true });
    const dst = join(dir.path, 'dst');
    const cwd = join(dir.path, 'other project');
    mkdirSync(cwd, { recursive: true });
    const real = realpathSync(cwd);
    const bundle = await claudeProvider.exportBundle(ctxFor(src), ID);
    expect(bundle.sourceCwd).toBe('/home/dev/project');
    await claudeProvider.importBundle(ctxFor(dst), bundle, { targetCwd: cwd });
    const moved = readFileSync(join(dst, 'projects', claudeSlug(real), `${ID}.jsonl`), 'utf8');
    expect(moved).not.toContain('/home/dev/project');
    expect(moved).toContain('TANGERINE-4417');
    const found = await claudeProvider.discover(ctxFor(dst), memoryScanCache());
    expect(found).toEqual([expect.objectContaining({ vendorSessionId: ID, cwd: real, messageCount: 4 })]);
  });
});
