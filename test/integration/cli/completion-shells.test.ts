import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
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
const env = { ...process.env, HAPPIER_HOME: home, HOME: dir.path, PATH: `${binDir}:${process.env.PATH}` };

beforeAll(() => {
  const reg = openRegistry(home);
  const repo = new SessionsRepo(reg);
  repo.insert(makeSession({ id: 'c1a0de00-0000-4000-8000-00000000000a' }));
  repo.insert(makeSession({ id: 'c1a0de00-0000-4000-8000-00000000000b' }));
  repo.insert(makeSession({ id: 'd00d0000-0000-4000-8000-00000000000c' }));
  reg.close();
  mkdirSync(binDir);
  symlinkSync(HAPPIER_BIN, join(binDir, 'happier'));
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
