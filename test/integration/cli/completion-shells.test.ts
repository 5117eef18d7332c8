import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = tempDir();
const home = join(dir.path, 'happier');
const binDir = join(dir.path, 'bin');
const claudeRoot = join(dir.path, 'claude');
const env = { ...process.env, HAPPIER_HOME: home, HOME: dir.path, CLAUDE_CONFIG_DIR: claudeRoot, CODEX_HOME: join(dir.path, 'codex'), XDG_DATA_HOME: join(dir.path, 'xdg'), PATH: `${binDir}:${process.env.PATH}` };
// Provider sessions on disk that happier does not own: what `direct show` takes.
const directIds = ['f00dcafe-1111-4222-8333-444455556666', 'f00dbeef-1111-4222-8333-444455556666'];

function writeDirect(id: string): void {
  const cwd = '/home/dev/app';
  const folder = join(claudeRoot, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'));
  mkdirSync(folder, { recursive: true });
  const line = { type: 'user', message: { role: 'user', content: 'hello' }, uuid: id.replace('f00d', 'aaaa'), timestamp: '2026-11-20T10:00:00.000Z', cwd, sessionId: id, version: '2.1.197' };
  writeFileSync(join(folder, `${id}.jsonl`), JSON.stringify(line) + '\n');
}

beforeAll(async () => {
  const reg = openRegistry(home);
  const repo = new SessionsRepo(reg);
  repo.insert(makeSession({ id: 'c1a0de00-0000-4000-8000-00000000000a' }));
  repo.insert(makeSession({ id: 'c1a0de00-0000-4000-8000-00000000000b' }));
  repo.insert(makeSession({ id: 'd00d0000-0000-4000-8000-00000000000c' }));
  reg.close();
  mkdirSync(binDir);
  symlinkSync(HAPPIER_BIN, join(binDir, 'happier'));
  for (const id of directIds) writeDirect(id);
  // Completion offers what the last scan saw; a Tab never scans the provider roots itself.
  const listed = await runHappier(['direct', 'list', '--json'], env);
  expect(JSON.parse(listed.stdout).data.directSessions).toHaveLength(2);
});
afterAll(() => dir.cleanup());

describe('shell completion', () => {
  it('prints the same scripts that live in completions/', async () => {
    for (const [shell, file] of [['bash', 'happier.bash'], ['zsh', '_happier'], ['fish', 'happier.fish']]) {
      const r = await runHappier(['completion', shell!], { HAPPIER_HOME: home });
      expect(r.stdout).toBe(readFileSync(join(ROOT, 'completions', file!), 'utf8'));
    }
  });

  it('completes a session id prefix in real bash with bash-completion', () => {
    const script = [
      'source /usr/share/bash-completion/bash_completion',
      `source ${join(ROOT, 'completions/happier.bash')}`,
      'COMP_WORDS=(happier session show c1a0)',
      'COMP_CWORD=3',
      'COMP_LINE="happier session show c1a0"',
      'COMP_POINT=${#COMP_LINE}',
      '_happier',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { env, encoding: 'utf8' });
    expect(out.trim().split('\n').sort()).toEqual(['c1a0de00-0000-4000-8000-00000000000a', 'c1a0de00-0000-4000-8000-00000000000b']);
  });

  it('completes subcommands in real bash', () => {
    const script = [
      'source /usr/share/bash-completion/bash_completion',
      `source ${join(ROOT, 'completions/happier.bash')}`,
      'COMP_WORDS=(happier session "")',
      'COMP_CWORD=2',
      'COMP_LINE="happier session "',
      'COMP_POINT=${#COMP_LINE}',
      '_happier',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { env, encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(expect.arrayContaining(['list', 'show', 'rename', 'archive', 'unarchive', 'rm']));
  });

  const SESSION_ID_COMMANDS = ['session show', 'session rename', 'session archive', 'session unarchive', 'session rm', 'resume', 'attach', 'stop', 'send', 'handoff', 'pair issue'];
  const C1A0 = ['c1a0de00-0000-4000-8000-00000000000a', 'c1a0de00-0000-4000-8000-00000000000b'];
  const cases = [
    ...SESSION_ID_COMMANDS.map((c) => ({ line: `happier ${c} c1a0`, want: C1A0 })),
    ...['direct show', 'direct takeover'].map((c) => ({ line: `happier ${c} f00dc`, want: [directIds[0]!] })),
    { line: 'happier direct show f00d', want: [...directIds].sort() },
  ];
  /** Runs `script` in `shell` and splits its output at the `=== <line>` markers it prints. */
  const byCase = (shell: string, args: string[], script: string) => {
    const out = execFileSync(shell, [...args, script], { env, encoding: 'utf8' });
    const found = new Map<string, string[]>();
    let current = '';
    for (const l of out.split('\n')) {
      if (l.startsWith('=== ')) found.set((current = l.slice(4)), []);
      else if (l.trim()) found.get(current)!.push(l.split('\t')[0]!);
    }
    return found;
  };

  it('offers the session ids, from a prefix, to every command that takes one, in bash, zsh and fish', () => {
    const bash = byCase('bash', ['--norc', '--noprofile', '-c'], [
      'source /usr/share/bash-completion/bash_completion',
      `source ${join(ROOT, 'completions/happier.bash')}`,
      ...cases.flatMap(({ line }) => [
        `echo "=== ${line}"`,
        `COMP_LINE="${line}"; COMP_POINT=\${#COMP_LINE}; read -ra COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))`,
        '_happier; printf "%s\\n" "${COMPREPLY[@]}"',
      ]),
    ].join('\n'));
    // zsh's compadd exists only inside a completion widget; this one prints what the
    // script would add. Everything else is the real script in a real zsh.
    const zsh = byCase('zsh', ['-f', '-c'], [
      'compdef() { : }',
      'compadd() { while [[ $1 == -* ]]; do if [[ $1 == -- ]]; then shift; break; fi; shift; done; print -l -- "$@" }',
      `source ${join(ROOT, 'completions/_happier')}`,
      ...cases.flatMap(({ line }) => [`echo "=== ${line}"`, `words=(${line}); CURRENT=\${#words}; _happier`]),
    ].join('\n'));
    const fish = byCase('fish', ['--no-config', '-c'], [
      `source ${join(ROOT, 'completions/happier.fish')}`,
      ...cases.flatMap(({ line }) => [`echo "=== ${line}"`, `complete -C "${line}"`]),
    ].join('\n'));
    for (const [shell, found] of [['bash', bash], ['zsh', zsh], ['fish', fish]] as const) {
      for (const { line, want } of cases) expect(found.get(line)?.sort(), `${shell}: ${line}`).toEqual(want);
    }
  });

  it('__complete prints only candidates, and never creates a registry', async () => {
    const fresh = tempDir();
    try {
      const r = await runHappier(['__complete', '--', 'session', 'show', ''], { HAPPIER_HOME: join(fresh.path, 'h') });
      expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(spawnSync('ls', [fresh.path], { encoding: 'utf8' }).stdout).toBe('');
    } finally {
      fresh.cleanup();
    }
  });

  it('the zsh and fish scripts pass their shells\' syntax checks', () => {
    expect(spawnSync('zsh', ['-n', join(ROOT, 'completions/_happier')], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    expect(spawnSync('fish', ['--no-execute', join(ROOT, 'completions/happier.fish')], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });
});
