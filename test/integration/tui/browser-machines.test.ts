import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startPane, type TmuxPane } from '../../helpers/tmux-pane.js';

// A second machine for real: an sshd on 127.0.0.1 whose PATH has no provider CLI. The
// browser checks it the way `happier machine list` does, and the handoff modal says why
// it cannot take a Claude session.
const tmp = tempDir('happier-tui-peer-');
const home = join(tmp.path, 'home');
let peer: SshdPeer;
let forge: SshdPeer;
const bin = mkdtempSync(join(tmpdir(), 'happier-tui-peer-bin-'));
let pane: TmuxPane | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  // The second peer has a `claude` on its PATH (it only has to exist there).
  chmodSync(bin, 0o755);
  writeFileSync(join(bin, 'claude'), '#!/bin/sh\necho 2.1.197\n', { mode: 0o755 });
  [peer, forge] = await Promise.all([
    startSshd(),
    startSshd({ path: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':') }),
  ]);
  mkdirSync(home);
  env = {
    HOME: home,
    HAPPIER_HOME: join(home, '.happier'),
    HAPPIER_KNOWN_HOSTS: join(tmp.path, 'known_hosts'),
    HAPPIER_SSH_CONFIG: join(tmp.path, 'ssh_config'),
    HAPPIER_CONNECT_TIMEOUT_MS: '3000',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
  writeFileSync(
    env.HAPPIER_SSH_CONFIG!,
    `Host peer-box\n  HostName 127.0.0.1\n  Port ${peer.port}\n  User ${peer.user}\n` +
      `Host forge-box\n  HostName 127.0.0.1\n  Port ${forge.port}\n  User ${forge.user}\n  IdentityFile ${forge.clientKey}\n`,
  );
  const added = await runHappier(['machine', 'add', 'studio', 'peer-box', '--identity', peer.clientKey, '--accept-new-host-key'], env);
  expect(added.code, added.stderr).toBe(0);
  const addedForge = await runHappier(['machine', 'add', 'forge', 'forge-box', '--identity', forge.clientKey, '--accept-new-host-key'], env);
  expect(addedForge.code, addedForge.stderr).toBe(0);
  const reg = openRegistry(env.HAPPIER_HOME!);
  new SessionsRepo(reg).insert(makeSession({ title: 'port the auth service', cwd: join(home, 'auth'), ownerMachineId: reg.machineId }));
  reg.close();
});

afterAll(async () => {
  pane?.kill();
  await Promise.all([peer?.stop(), forge?.stop()]);
  tmp.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

describe('the browser and a real second machine', () => {
  it('shows peers online with their providers, disables one without the provider, and shows a refused handoff in full', async () => {
    pane = startPane({ argv: [process.execPath, HAPPIER_BIN], env, cols: 100, rows: 30, cwd: home });
    await pane.waitFor('port the auth service');
    pane.send('3');
    await pane.waitFor((s) => /studio\s+peer-box\s+online\s+none/.test(s) && /forge\s+forge-box\s+online\s+claude/.test(s), 20_000);
    pane.send('1', 'h');
    let screen = await pane.waitFor((s) => s.includes('[ Hand off ]') && s.includes('Include globs'));
    expect(screen).toMatch(/✕ \S+\s+disabled: current owner/);
    expect(screen).toMatch(/✕ studio\s+disabled: claude is not installed there/);
    expect(screen).toMatch(/● forge/);
    expect(screen).toMatch(/Destination\s+‹ forge ›/);

    // Replace asks first; then the coordinator runs, and its refusal is shown in full:
    // forge answers over SSH but has no happier installed to take the session.
    pane.send('Down', 'Down', 'Right', 'Enter');
    await pane.waitFor('Replace the existing tree on the target?');
    pane.send('y');
    screen = await pane.waitFor((s) => s.includes('Handing off to forge') && s.includes('Enter to close'), 20_000);
    expect(screen).toMatch(/✗ Preparing the target/);
    expect(screen).toMatch(/· Updating ownership/);
    expect(screen).toContain('error: forge has no happier installed, so it cannot take a session');
    expect(screen).toContain('code: PEER_INCOMPATIBLE');
    pane.send('Enter');
    await pane.waitFor((s) => !s.includes('Handing off'));
  });
});
