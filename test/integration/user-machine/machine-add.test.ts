/**
 * Issue 13, "Done when": `machine add mb mb` succeeds for a host known only through the
 * config's UserKnownHostsFile, authenticated only through IdentityAgent and reached only
 * through ProxyJump, and `machine list` shows the providers found on the peer's login PATH,
 * for login shells bash, zsh, fish and sh. Run as a user would: a non-root laptop account
 * with its own ~/.ssh/config and no locale.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUserMachine, type LoginShell, type UserMachine } from '../../helpers/user-machine.js';

const VERSION = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version as string;
const TOOLS = ['node', 'happier', 'tmux', 'claude', 'codex', 'opencode'];

/** Paths under `dir` that are not the account's, or that others may read or write. */
function foreignOrOpen(dir: string, uid: number): string[] {
  if (!existsSync(dir)) return [`${dir} is missing`];
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.uid !== uid) out.push(`${p} is owned by uid ${st.uid}`);
    if (st.isDirectory()) {
      if (st.mode & 0o077) out.push(`${p} has mode ${(st.mode & 0o777).toString(8)}`);
      for (const e of readdirSync(p)) walk(join(p, e));
    }
  };
  walk(dir);
  return out;
}

describe.each(['bash', 'zsh', 'fish', 'sh'] as LoginShell[])('machine add on a peer whose login shell is %s', (shell) => {
  let um: UserMachine;
  let knownBefore = '';
  beforeAll(async () => {
    um = await startUserMachine({ shell });
    knownBefore = readFileSync(um.laptop.knownHosts, 'utf8');
  });
  afterAll(async () => {
    await um?.stop();
  });

  it('adds mb through ProxyJump, IdentityAgent and the config’s UserKnownHostsFile, and finds happier and the providers on its login PATH', async () => {
    const r = await um.json(['machine', 'add', 'mb', 'mb']);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.body)}`).toBe(0);
    expect(r.body.data).toMatchObject({ machine: { name: 'mb', target: 'mb', identityFile: null }, acceptedHostKeys: [], version: VERSION });
    expect([...r.body.data.providers].sort()).toEqual(['claude', 'codex', 'opencode']);
    // Nothing learned elsewhere: the config's file is the only place the keys are known.
    expect(readFileSync(um.laptop.knownHosts, 'utf8')).toBe(knownBefore);
    expect(existsSync(join(um.laptop.home, '.ssh', 'known_hosts'))).toBe(false);
  });

  it('lists mb online with the installed happier, its providers and the absolute paths the login shell found', async () => {
    const r = await um.json(['machine', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const mb = r.body.data.machines.find((m: any) => m.name === 'mb');
    expect(mb, JSON.stringify(r.body.data.machines)).toMatchObject({ status: 'online', version: VERSION, agent: 'installed' });
    expect([...mb.providers].sort()).toEqual(['claude', 'codex', 'opencode']);
    const recorded = JSON.stringify(mb);
    for (const tool of TOOLS) expect(recorded, `machine list --json names ${tool}'s path`).toContain(JSON.stringify(join(um.mb.bin, tool)));

    const text = await um.happier(['machine', 'list']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^mb\s+mb\s+online\b.*claude,codex,opencode/m);
    expect(text.stdout, 'machine list shows where the login shell found the provider').toContain(join(um.mb.bin, 'claude'));
  });

  it('pings mb by name, and what happier made on mb belongs to its user and no one else', async () => {
    const r = await um.happier(['machine', 'ping', 'mb']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mb: online, \d+ ms, happier \S+, node v\d+.*providers: /);
    expect(r.stdout).not.toContain('bundled agent');
    expect(foreignOrOpen(join(um.mb.home, '.happier'), um.mb.uid)).toEqual([]);
  });
});
