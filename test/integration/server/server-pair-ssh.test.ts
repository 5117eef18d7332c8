import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { makeSession } from '../../helpers/session-factory.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { makeClient, startServer, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('happier-server-');
// The peer's `happier` records how it was called; the peer user must be able to run it.
const peerBin = mkdtempSync(join(tmpdir(), 'happier-peer-bin-'));
let server: RunningServer;
let peer: SshdPeer;

beforeAll(async () => {
  chmodSync(peerBin, 0o755);
  writeFileSync(join(peerBin, 'happier'), '#!/bin/sh\necho "$@" > "$HOME/claimed-argv"\n', { mode: 0o755 });
  [server, peer] = await Promise.all([startServer(join(dir.path, 'data')), startSshd({ path: `${peerBin}:/usr/bin:/bin` })]);
});
afterAll(async () => {
  await Promise.all([server.stop(), peer.stop()]);
  dir.cleanup();
  rmSync(peerBin, { recursive: true, force: true });
});

describe('pair claim through ssh -t', () => {
  it('runs `happier attach <id>` on the owner over real SSH', async () => {
    const sshConfig = join(dir.path, 'ssh_config');
    const knownHosts = join(dir.path, 'known_hosts');
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    writeFileSync(
      sshConfig,
      [
        'Host desk',
        `  HostName ${peer.host}`,
        `  Port ${peer.port}`,
        `  User ${peer.user}`,
        `  IdentityFile ${peer.clientKey}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${knownHosts}`,
        '  StrictHostKeyChecking yes',
        '  BatchMode yes',
      ].join('\n') + '\n',
    );
    const desk = makeClient(dir.path, 'desk');
    const phone = makeClient(dir.path, 'phone', { HAPPIER_SSH_CONFIG: sshConfig });
    expect((await desk.json('server', 'connect', server.url, '--name', 'desk', '--ssh-target', 'desk')).code).toBe(0);
    const link = (await desk.json('server', 'link')).body.data.code;
    expect((await phone.json('server', 'connect', server.url, '--link', link, '--name', 'phone')).code).toBe(0);

    const reg = openRegistry(desk.home);
    const s = makeSession({ ownerMachineId: reg.machineId, title: 'over ssh' });
    new SessionsRepo(reg).insert(s);
    reg.close();
    const code = (await desk.json('pair', 'issue', s.id)).body.data.code;

    const claimed = await phone.run('pair', 'claim', code);
    expect(claimed.code).toBe(0);
    expect(claimed.stderr).toContain('opening "over ssh" from desk');
    expect(readFileSync(join(peer.home, 'claimed-argv'), 'utf8')).toBe(`attach ${s.id}\n`);
  });

  it('pair claim --print and --json change nothing: the code is used up only by the real claim', async () => {
    const desk = makeClient(dir.path, 'desk');
    const phone = makeClient(dir.path, 'phone', { HAPPIER_SSH_CONFIG: join(dir.path, 'ssh_config') });
    const reg = openRegistry(desk.home);
    const s = makeSession({ ownerMachineId: reg.machineId, title: 'look first' });
    new SessionsRepo(reg).insert(s);
    reg.close();
    const code = (await desk.json('pair', 'issue', s.id)).body.data.code;
    const statusOf = async () => (await desk.json('pair', 'list')).body.data.pairings.find((p: { sessionId: string }) => p.sessionId === s.id).status;
    rmSync(join(peer.home, 'claimed-argv'), { force: true });

    const line = `ssh -F ${join(dir.path, 'ssh_config')} -t desk happier attach ${s.id}\n`;
    for (let i = 0; i < 2; i++) {
      const printed = await phone.run('pair', 'claim', code, '--print');
      expect(printed.code).toBe(0);
      expect(printed.stdout).toBe(line);
    }
    const asJson = await phone.json('pair', 'claim', code);
    expect(asJson.body.data.plan.argv.join(' ') + '\n').toBe(line);
    expect(await statusOf()).toBe('issued');
    expect(existsSync(join(peer.home, 'claimed-argv'))).toBe(false);

    const claimed = await phone.run('pair', 'claim', code);
    expect(claimed.code).toBe(0);
    expect(readFileSync(join(peer.home, 'claimed-argv'), 'utf8')).toBe(`attach ${s.id}\n`);
    expect(await statusOf()).toBe('claimed');
    const after = await phone.run('pair', 'claim', code, '--print');
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('hint: codes are single-use; `happier pair issue <id>` on the issuing device makes another');
  });
});
