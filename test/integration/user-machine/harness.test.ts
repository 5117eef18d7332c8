/**
 * The user-machine harness is what it claims to be, checked with plain OpenSSH only, so a
 * failure in the lane's other files is about happier and not about the lab: a non-root
 * account without a locale, tools on the login PATH only, and a laptop that reaches it
 * only through ProxyJump, its agent and its own known_hosts file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MB_HOSTNAME, startUserMachine, type LoginShell, type UserMachine } from '../../helpers/user-machine.js';

const TOOLS = ['node', 'happier', 'tmux', 'claude', 'codex', 'opencode'];
const envOf = (text: string) => Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('the user machine, seen through plain ssh', () => {
  let um: UserMachine;
  beforeAll(async () => {
    um = await startUserMachine({ profileEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/from-profile' } });
  });
  afterAll(async () => {
    await um?.stop();
  });

  it('logs in as a non-root user with its passwd HOME, and the session has no locale', async () => {
    const r = await um.ssh('id -u; env');
    expect(r.code, r.stderr).toBe(0);
    const [uid, ...rest] = r.stdout.split('\n');
    expect(Number(uid)).toBe(um.mb.uid);
    expect(um.mb.uid).not.toBe(0);
    const env = envOf(rest.join('\n'));
    expect(env.HOME).toBe(um.mb.home);
    expect(env.USER).toBe(um.mb.user);
    for (const k of ['LANG', 'LC_ALL', 'LC_CTYPE', 'ANTHROPIC_BASE_URL']) expect(env[k], k).toBeUndefined();
  });

  it('finds neither node, happier, tmux nor a provider CLI on the non-login PATH', async () => {
    const r = await um.ssh(`which ${TOOLS.join(' ')}; node --version`);
    expect(r.stdout).toBe('');
    expect(r.code).not.toBe(0);
  });

  it('finds all of them in ~/.local/bin through the login shell, with the profile’s settings and still no locale', async () => {
    const r = await um.login(`which ${TOOLS.join(' ')}; node --version; env`);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, TOOLS.length)).toEqual(TOOLS.map((t) => join(um.mb.bin, t)));
    expect(lines[TOOLS.length]).toBe(process.version);
    const env = envOf(lines.slice(TOOLS.length + 1).join('\n'));
    expect(env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:9/from-profile');
    for (const k of ['LANG', 'LC_ALL', 'LC_CTYPE']) expect(env[k], k).toBeUndefined();
  });

  it('reaches mb only through ProxyJump: its HostName resolves on the jump host alone', async () => {
    const via = await um.ssh('true', ['-v']);
    expect(via.code, via.stderr).toBe(0);
    expect(via.stderr).toMatch(/Setting implicit ProxyCommand from ProxyJump: ssh .*-W '\[%h\]:%p' jump/);
    expect(via.stderr).toContain(`Reading configuration data ${um.laptop.includedConfig}`);
    const direct = await um.ssh('true', ['-o', 'ProxyJump=none']);
    expect(direct.code).toBe(255);
    expect(direct.stderr).toContain(`Could not resolve hostname ${MB_HOSTNAME}`);
  });

  it('logs in only through IdentityAgent: no key file on the laptop, and none offered without the agent', async () => {
    const keyFiles = readdirSync(join(um.laptop.home, '.ssh'), { recursive: true }).map(String).filter((f) => /id_|\.pem$|key/.test(f));
    expect(keyFiles).toEqual([]);
    const without = await um.ssh('true', ['-o', 'IdentityAgent=none']);
    expect(without.code).toBe(255);
    expect(without.stderr).toContain('Permission denied (publickey)');
  });

  it('knows the host keys only through the config’s UserKnownHostsFile', async () => {
    expect(existsSync(join(um.laptop.home, '.ssh', 'known_hosts'))).toBe(false);
    const global = existsSync('/etc/ssh/ssh_known_hosts') ? readFileSync('/etc/ssh/ssh_known_hosts', 'utf8') : '';
    expect(global).not.toContain(MB_HOSTNAME);
    const elsewhere = await um.ssh('true', ['-o', 'UserKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes']);
    expect(elsewhere.code).toBe(255);
    expect(elsewhere.stderr).toContain('Host key verification failed');
  });
});

describe.each(['zsh', 'fish', 'sh'] as LoginShell[])('an mb account whose login shell is %s', (shell) => {
  let um: UserMachine;
  beforeAll(async () => {
    um = await startUserMachine({ shell, profileEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/from-profile' } });
  });
  afterAll(async () => {
    await um?.stop();
  });

  it('has the tools and the profile’s settings through `$SHELL -l` only', async () => {
    const plain = await um.ssh(`which ${TOOLS.join(' ')}`);
    // zsh's builtin `which` says "node not found" on stdout.
    expect(plain.stdout).not.toMatch(/^\//m);
    const r = await um.login(`which ${TOOLS.join(' ')}; env`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, TOOLS.length)).toEqual(TOOLS.map((t) => join(um.mb.bin, t)));
    const env = envOf(r.stdout);
    expect(env.SHELL).toMatch(new RegExp(`/${shell}$`));
    expect(env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:9/from-profile');
    expect(env.LANG).toBeUndefined();
  });
});
