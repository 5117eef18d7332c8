/**
 * A peer whose node, happier and provider CLI are on its login PATH only (set in
 * ~/.profile, as nvm, ~/.local/bin and Homebrew do), with provider settings exported
 * there too and a profile that talks on stdout: `machine add` finds them, `machine list`
 * shows them, and `machine set` overrides win, for bash, zsh and fish login shells.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientEnv } from '../../helpers/client-env.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';

let peer: SshdPeer;
const tmp = tempDir('happier-login-env-');
let env: Record<string, string>;
let tools: string;

const json = (s: string) => JSON.parse(s) as { ok: boolean; data: any; error: any };

function script(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

beforeAll(async () => {
  peer = await startSshd();
  tools = join(peer.home, 'tools', 'bin');
  mkdirSync(tools, { recursive: true });
  mkdirSync(join(peer.home, '.config', 'fish'), { recursive: true });
  script(join(tools, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`);
  // `node` here is the one above: only the login PATH has it.
  script(join(tools, 'happier'), `#!/bin/sh\nexec node ${HAPPIER_BIN} "$@"\n`);
  script(join(tools, 'claude'), '#!/bin/sh\necho "2.0.0 (Claude Code)"\n');
  script(join(tools, 'other-claude'), '#!/bin/sh\necho "2.0.1 (Claude Code)"\n');
  writeFileSync(
    join(peer.home, '.profile'),
    `echo "Welcome to the peer"\nexport PATH="$HOME/tools/bin:$PATH"\nexport ANTHROPIC_BASE_URL=http://127.0.0.1:9/profile\nexport ANTHROPIC_API_KEY=sk-ant-secret-in-profile\nexport https_proxy=http://127.0.0.1:3128\n`,
  );
  writeFileSync(join(peer.home, '.zprofile'), `echo "zsh hello"\npath=($HOME/tools/bin $path)\nexport OPENAI_BASE_URL=http://127.0.0.1:9/zprofile\n`);
  writeFileSync(join(peer.home, '.config', 'fish', 'config.fish'), `echo "fish hello"\nset -gx PATH $HOME/tools/bin $PATH\nset -gx OPENCODE_CONFIG $HOME/oc.json\n`);
  peer.chown(peer.home);

  env = clientEnv(tmp.path, { HAPPIER_CONNECT_TIMEOUT_MS: '10000', NO_COLOR: '1' });
  writeFileSync(env.HAPPIER_KNOWN_HOSTS!, peer.knownHostsLine + '\n');
  writeFileSync(env.HAPPIER_SSH_CONFIG!, `Host peer-box\n  HostName 127.0.0.1\n  Port ${peer.port}\n  User ${peer.user}\n  IdentityFile ${peer.clientKey}\n`);
});

afterAll(async () => {
  await peer?.stop();
  tmp.cleanup();
});

async function ping(): Promise<any> {
  const r = await runHappier(['machine', 'ping', 'box', '--json'], env);
  return { code: r.code, ...json(r.stdout) };
}

describe('the peer’s login environment', () => {
  it('machine add refuses a --set path the peer cannot run, saying how to add it instead', async () => {
    const r = await runHappier(['machine', 'add', 'box', 'peer-box', '--set', 'tmux=/nowhere/tmux'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tmux /nowhere/tmux');
    expect(r.stderr).toContain('happier machine add box peer-box --set tmux=/path/to/tmux');
    expect((await runHappier(['machine', 'add', 'box', 'peer-box', '--set', 'tmux'], env)).code).toBe(2);
    expect((await runHappier(['machine', 'list', '--json'], env)).stdout).not.toContain('"box"');
  });

  it('machine add finds happier, node and claude on the login PATH, and the provider variables by name', async () => {
    const added = await runHappier(['machine', 'add', 'box', 'peer-box', '--set', 'tmux=/usr/bin/tmux', '--json'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const data = json(added.stdout).data;
    expect(data.providers).toContain('claude');
    expect(data.environment).toMatchObject({
      shell: '/bin/bash',
      paths: { node: join(tools, 'node'), happier: join(tools, 'happier'), claude: join(tools, 'claude'), tmux: '/usr/bin/tmux', codex: null },
    });
    expect(data.environment.providerEnv).toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'https_proxy']));
    expect(data.overrides).toEqual({ tmux: '/usr/bin/tmux' });
    expect(data.paths.tmux).toEqual({ path: '/usr/bin/tmux', source: 'set' });
    // Names only: the peer's secrets never land on this machine.
    expect(added.stdout).not.toContain('sk-ant-secret-in-profile');

    const pinged = await ping();
    expect(pinged.code).toBe(0);
    // The installed happier, found through the login shell, serves: nothing was uploaded.
    expect(pinged.data.machine).toMatchObject({ agent: 'installed', providers: expect.arrayContaining(['claude']) });
    expect(pinged.data.machine.paths.happier).toEqual({ path: join(tools, 'happier'), source: 'probed' });
  });

  it('machine list shows the paths and variable names, within 80 columns, and all of it in --json', async () => {
    const table = await runHappier(['machine', 'list'], { ...env, COLUMNS: '80' });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(table.stdout).toContain('box: login shell /bin/bash');
    expect(table.stdout).toMatch(new RegExp(`\\n  claude +${join(tools, 'claude').replace(/[/.]/g, '\\$&')}\\n`));
    expect(table.stdout).toMatch(/\n {2}tmux +\/usr\/bin\/tmux \(set\)\n/);
    expect(table.stdout).toMatch(/\n {2}missing +codex, opencode\n/);
    expect(table.stdout).toMatch(/\n {2}env +ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, https_proxy\n/);
    expect(table.stdout).not.toContain('sk-ant-secret');

    const listed = json((await runHappier(['machine', 'list', '--json'], env)).stdout).data.machines as any[];
    const box = listed.find((m) => m.name === 'box');
    expect(box).toMatchObject({ status: 'online', overrides: { tmux: '/usr/bin/tmux' }, environment: { shell: '/bin/bash', providerEnv: expect.arrayContaining(['ANTHROPIC_API_KEY']) } });
    expect(Object.keys(box.paths)).toEqual(['node', 'happier', 'tmux', 'claude', 'codex', 'opencode', 'shell']);
  });

  it('machine set overrides a path and the agent uses it; --unset gives the login PATH back', async () => {
    const other = join(tools, 'other-claude');
    const set = await runHappier(['machine', 'set', 'box', 'claude', other, '--json'], env);
    expect(set.code).toBe(0);
    expect(json(set.stdout).data).toMatchObject({ key: 'claude', path: other, overrides: { claude: other } });

    const after = (await ping()).data.machine;
    expect(after.paths.claude).toEqual({ path: other, source: 'set' });
    // The agent itself ran with it (HAPPIER_CLAUDE_BIN), so provider checks there see it.
    expect(after.environment.paths.claude).toBe(other);
    const table = await runHappier(['machine', 'list'], { ...env, COLUMNS: '200' });
    expect(table.stdout).toContain(`${other} (set)`);

    expect((await runHappier(['machine', 'set', 'box', 'claude', '--unset'], env)).code).toBe(0);
    expect((await ping()).data.machine.environment.paths.claude).toBe(join(tools, 'claude'));
  });

  it('a set path that is not executable on the peer is refused with what to fix', async () => {
    expect((await runHappier(['machine', 'set', 'box', 'tmux', '/nowhere/tmux'], env)).code).toBe(0);
    const r = await runHappier(['machine', 'ping', 'box'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tmux /nowhere/tmux');
    expect(r.stderr).toContain('happier machine set box tmux --unset');
    expect((await runHappier(['machine', 'set', 'box', 'tmux', '--unset'], env)).code).toBe(0);
    expect((await ping()).code).toBe(0);
  });

  it('refuses unknown keys and relative paths as usage errors', async () => {
    const unknown = await runHappier(['machine', 'set', 'box', 'python', '/usr/bin/python3'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('node, happier, tmux, claude, codex, opencode, shell');
    const relative = await runHappier(['machine', 'set', 'box', 'node', 'bin/node', '--json'], env);
    expect(relative.code).toBe(2);
    expect(json(relative.stdout).error.code).toBe('USAGE');
    expect((await runHappier(['machine', 'set', 'box', 'node'], env)).code).toBe(2);
  });

  for (const [shell, variable] of [
    ['/usr/bin/zsh', 'OPENAI_BASE_URL'],
    ['/usr/bin/fish', 'OPENCODE_CONFIG'],
  ] as const) {
    it(`with ${shell} as the login shell, its own profile decides`, async () => {
      expect((await runHappier(['machine', 'set', 'box', 'shell', shell], env)).code).toBe(0);
      const m = (await ping()).data.machine;
      expect(m).toMatchObject({ status: 'online', agent: 'installed' });
      expect(m.environment).toMatchObject({ shell, paths: { happier: join(tools, 'happier'), claude: join(tools, 'claude') } });
      expect(m.environment.providerEnv).toContain(variable);
      expect(m.environment.providerEnv).not.toContain('ANTHROPIC_API_KEY');
      expect(m.paths.shell).toEqual({ path: shell, source: 'set' });
    });
  }
});
