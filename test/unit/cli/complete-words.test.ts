import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../../src/cli/cli-io.js';
import { completeWords, type CompletionSource } from '../../../src/cli/completion/complete-words.js';
import { CliContext } from '../../../src/cli/context.js';
import { buildProgram } from '../../../src/cli/program.js';

const io: CliIO = {
  env: {},
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdinIsTTY: false,
  cwd: '/',
  homeDir: '/home/dev',
  now: () => new Date(),
};
const source: CompletionSource = {
  sessionIds: async (p) => ['c1a0de00-0000-4000-8000-000000000001', 'c1a0de00-0000-4000-8000-000000000002', 'ffff0000-0000-4000-8000-000000000003'].filter((id) => id.startsWith(p)),
  vendorIds: async () => ['ses_abc'],
  machineNames: async () => ['desktop', 'server'],
  settingKeys: () => ['handoff.conflict', 'handoff.workspace'],
  settingValues: (key) => (key === 'handoff.conflict' ? ['sibling', 'replace'] : ['true', 'false']),
};
const complete = (...words: string[]) => completeWords(buildProgram(new CliContext(io)), words, source);

describe('completion candidates from the command tree', () => {
  it('completes top-level commands and subcommands', async () => {
    expect(await complete('se')).toEqual(expect.arrayContaining(['session', 'settings']));
    expect(await complete('session', 'sh')).toEqual(['show']);
  });

  it('completes session ids by prefix for <id> arguments', async () => {
    expect(await complete('session', 'show', 'c1a')).toEqual([
      'c1a0de00-0000-4000-8000-000000000001',
      'c1a0de00-0000-4000-8000-000000000002',
    ]);
  });

  it('completes options, and option values from choices', async () => {
    expect(await complete('session', 'list', '--ag')).toEqual(['--agent']);
    expect(await complete('session', 'list', '--agent', '')).toEqual(['claude', 'codex', 'opencode']);
    expect(await complete('session', 'list', '--agent', 'claude', '--pl')).toEqual(['--plain']);
  });

  it('completes settings keys, then the values of that key', async () => {
    expect(await complete('settings', 'set', 'handoff.c')).toEqual(['handoff.conflict']);
    expect(await complete('settings', 'set', 'handoff.conflict', '')).toEqual(['sibling', 'replace']);
  });

  it('completes machine names, then the keys `machine set` takes', async () => {
    expect(await complete('machine', 'set', 'de')).toEqual(['desktop']);
    expect(await complete('machine', 'set', 'desktop', '')).toEqual(['node', 'happier', 'tmux', 'claude', 'codex', 'opencode', 'shell']);
    expect(await complete('machine', 'set', 'desktop', 'node', '--u')).toEqual(['--unset']);
  });

  it('completes shells for `completion` and offers nothing past the last argument', async () => {
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('completion', 'bash', '')).toEqual([]);
  });
});
