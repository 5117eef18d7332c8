/**
 * The agent's start through the user's login shell, run by the real shells: bash, zsh,
 * fish and dash as the account's shell (the one sshd runs the command with) and as the
 * login shell, each with its own profile file putting tools on the login PATH only and
 * printing noise on stdout.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCommand, startScript } from '../../../src/transfer/agent/agent-launch.js';
import { BANNER } from '../../../src/transfer/agent/frame-codec.js';
import { parseProbe } from '../../../src/transfer/agent/start-probe.js';
import { fastTempDir } from '../../helpers/fast-temp.js';

const VERSION = '7.7.7-login';
const SHELLS = { bash: '/usr/bin/bash', zsh: '/usr/bin/zsh', fish: '/usr/bin/fish', dash: '/usr/bin/dash' } as const;
const base = fastTempDir('happier-login-');
const home = join(base, 'home');
const sshOnly = join(base, 'ssh-only');
const lbin = join(home, 'login-bin');

beforeAll(() => {
  mkdirSync(lbin, { recursive: true });
  mkdirSync(sshOnly);
  mkdirSync(join(home, '.config', 'fish'), { recursive: true });
  // Stands in for the installed happier: its version, and as the agent it records the environment it got.
  writeFileSync(
    join(lbin, 'happier'),
    `#!/bin/sh\nif [ "$1" = --version ]; then echo ${VERSION}; exit 0; fi\nenv > "$HOME/agent-env"\nprintf '%s' '${BANNER.trim()}'; echo\n`,
  );
  writeFileSync(join(sshOnly, 'only-over-ssh'), '#!/bin/sh\n');
  for (const f of [join(lbin, 'happier'), join(sshOnly, 'only-over-ssh')]) chmodSync(f, 0o755);
  const sh = `echo "profile says hi"\nexport PATH="$HOME/login-bin:$PATH"\nexport ANTHROPIC_BASE_URL=http://127.0.0.1:9/from-profile\nexport OPENAI_API_KEY=sk-login\n`;
  writeFileSync(join(home, '.profile'), sh);
  writeFileSync(join(home, '.zprofile'), sh);
  writeFileSync(
    join(home, '.config', 'fish', 'config.fish'),
    `echo "fish says hi"\nset -gx PATH $HOME/login-bin $PATH\nset -gx ANTHROPIC_BASE_URL http://127.0.0.1:9/from-profile\nset -gx OPENAI_API_KEY sk-login\n`,
  );
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** What sshd does with a command: the account's shell runs it with `-c`, in a small environment. */
function run(accountShell: string, loginShell: string, command: string, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      accountShell,
      ['-c', command],
      { env: { HOME: home, USER: 'peer', SHELL: loginShell, PATH: `/usr/bin:/bin:${sshOnly}` }, timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
    child.stdin!.end(script);
  });
}

function agentEnv(): Record<string, string> {
  const text = readFileSync(join(home, 'agent-env'), 'utf8');
  rmSync(join(home, 'agent-env'));
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('the agent starts under the login shell', () => {
  for (const [name, path] of Object.entries(SHELLS)) {
    it(`${name} as the login shell: the installed happier from the login PATH, with the profile's environment`, async () => {
      const out = await run('/usr/bin/bash', path, loginCommand(), startScript(VERSION, 'none', false));
      // Profile noise comes first; the banner still follows.
      expect(out).toMatch(/says hi\n/);
      expect(out).toContain(BANNER);
      const env = agentEnv();
      expect(env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:9/from-profile');
      expect(env.HAPPIER_LOGIN_SHELL).toBe(path);
      const dirs = env.PATH!.split(':');
      expect(dirs[0]).toBe(lbin);
      // The ssh session's own PATH stays reachable, after the login one, once.
      expect(dirs.filter((d) => d === sshOnly)).toEqual([sshOnly]);
      expect(dirs.indexOf(sshOnly)).toBeGreaterThan(dirs.indexOf(lbin));
      expect(env.HAPPIER_SSH_PATH).toBeUndefined();
    });
  }

  for (const [name, path] of Object.entries(SHELLS)) {
    it(`${name} as the account's shell parses the command, with and without a shell override`, async () => {
      expect(await run(path, '/usr/bin/zsh', loginCommand(), startScript(VERSION, 'none', false))).toContain(BANNER);
      expect(agentEnv().HAPPIER_LOGIN_SHELL).toBe('/usr/bin/zsh');
      expect(await run(path, '/usr/bin/bash', loginCommand("/usr/bin/fish"), startScript(VERSION, 'none', false))).toContain(BANNER);
      const env = agentEnv();
      expect(env.HAPPIER_LOGIN_SHELL).toBe('/usr/bin/fish');
      // The shell the user named is the one panes get too.
      expect(env.SHELL).toBe('/usr/bin/fish');
      expect(env.OPENAI_API_KEY).toBe('sk-login');
    });
  }

  it('takes a set shell whose path has a space, with fish as the account’s shell', async () => {
    const odd = join(base, 'my login shell');
    mkdirSync(odd);
    symlinkSync(SHELLS.zsh, join(odd, 'zsh'));
    expect(await run('/usr/bin/fish', SHELLS.bash, loginCommand(join(odd, 'zsh')), startScript(VERSION, 'none', false))).toContain(BANNER);
    expect(agentEnv()).toMatchObject({ HAPPIER_LOGIN_SHELL: join(odd, 'zsh'), OPENAI_API_KEY: 'sk-login' });
  });

  it('logs in through sh when the account names a shell without `-l -c`', async () => {
    expect(await run('/usr/bin/bash', '/bin/tcsh', loginCommand(), startScript(VERSION, 'none', false))).toContain(BANNER);
    expect(agentEnv()).toMatchObject({ HAPPIER_LOGIN_SHELL: '/bin/sh', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/from-profile' });
  });

  it('probes with absolute login-PATH paths when no agent can start, after the noise', async () => {
    const out = await run('/usr/bin/bash', SHELLS.bash, loginCommand(), startScript('0.0.0-other', 'f'.repeat(64), false));
    const line = out.split('\n').find((l) => l.startsWith('HAPPIER-PROBE'))!;
    expect(out.indexOf('profile says hi')).toBeLessThan(out.indexOf('HAPPIER-PROBE'));
    expect(parseProbe(line)).toEqual({
      happierVersion: VERSION,
      nodeVersion: process.version,
      bundleSha256: null,
      happierPath: join(lbin, 'happier'),
      nodePath: '/usr/bin/node',
      shell: SHELLS.bash,
      unusable: [],
    });
  });

  it('uses overrides: node and happier as set, provider paths exported, and reports those that are not executable', async () => {
    const node = join(base, 'my node', 'node');
    mkdirSync(join(base, 'my node'));
    writeFileSync(node, '#!/bin/sh\necho v22.1.0\n', { mode: 0o755 });
    const probed = await run(
      '/usr/bin/bash',
      SHELLS.zsh,
      loginCommand(),
      startScript('0.0.0-other', 'f'.repeat(64), false, { node, happier: join(lbin, 'happier') }),
    );
    expect(parseProbe(probed.split('\n').find((l) => l.startsWith('HAPPIER-PROBE'))!)).toMatchObject({
      nodeVersion: 'v22.1.0',
      nodePath: node,
      happierPath: join(lbin, 'happier'),
      unusable: [],
    });

    const claude = join(lbin, 'happier');
    expect(await run('/usr/bin/bash', SHELLS.bash, loginCommand(), startScript(VERSION, 'none', false, { claude, tmux: '/usr/bin/tmux', node }))).toContain(BANNER);
    const env = agentEnv();
    expect(env).toMatchObject({ HAPPIER_CLAUDE_BIN: claude, HAPPIER_TMUX_BIN: '/usr/bin/tmux' });
    expect(env.PATH!.split(':')[0]).toBe(join(base, 'my node'));

    const bad = await run('/usr/bin/bash', SHELLS.bash, loginCommand(), startScript(VERSION, 'none', false, { codex: '/nowhere/codex', tmux: '/nowhere/tmux' }));
    expect(bad).not.toContain(BANNER);
    expect(parseProbe(bad.split('\n').find((l) => l.startsWith('HAPPIER-PROBE'))!).unusable).toEqual(['codex', 'tmux']);
  });
});
