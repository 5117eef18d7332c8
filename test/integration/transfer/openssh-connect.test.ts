/**
 * What the OpenSSH transport gets from the user's ssh config because OpenSSH reads it
 * (UserKnownHostsFile, IdentityAgent, ProxyJump, Include, StrictHostKeyChecking), the
 * host-key policy happier keeps on top, and one login per connection.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnection, type SshEnv } from '../../../src/transfer/ssh/ssh-connection.js';
import { rejectionOf } from '../../helpers/happier-error.js';
import { startSshAgent } from '../../helpers/ssh-agent.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';

let peer: SshdPeer;
let jump: SshdPeer;
const tmp = tempDir('happier-openssh-');
const config = join(tmp.path, 'ssh_config');
const knownHosts = join(tmp.path, 'config_known_hosts');
// No HAPPIER_KNOWN_HOSTS: which known_hosts file counts is the config's business.
const env = (): SshEnv => ({ env: { HAPPIER_SSH_CONFIG: config, HAPPIER_SSH_TRANSPORT: 'openssh', PATH: process.env.PATH }, homeDir: tmp.path, localUser: 'me' });

function hostBlock(alias: string, p: SshdPeer, extra: string[] = []): string[] {
  return [`Host ${alias}`, '  HostName 127.0.0.1', `  Port ${p.port}`, `  User ${p.user}`, `  UserKnownHostsFile ${knownHosts}`, ...extra.map((l) => `  ${l}`)];
}

function writeConfig(...blocks: string[][]): void {
  writeFileSync(config, blocks.flat().join('\n') + '\n');
}

/** The client side of the TCP connection a command ran over, as the server saw it. */
async function clientPort(conn: SshConnection): Promise<string> {
  const r = await conn.run('echo "$SSH_CONNECTION"');
  return r.stdout.toString().split(' ')[1]!;
}

function sessionsOf(p: SshdPeer): number {
  try {
    return execFileSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).trim().split('\n').length;
  } catch {
    return 0;
  }
}

async function until(what: () => boolean, ms = 3000): Promise<void> {
  for (let t = 0; t < ms && !what(); t += 20) await new Promise((r) => setTimeout(r, 20));
  expect(what()).toBe(true);
}

beforeAll(async () => {
  [peer, jump] = await Promise.all([startSshd(), startSshd()]);
});

afterAll(async () => {
  await Promise.all([peer?.stop(), jump?.stop()]);
  tmp.cleanup();
});

describe('OpenSSH transport against real sshd servers', () => {
  it('connects to a host known only through the config’s UserKnownHostsFile', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    writeConfig(hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`]));
    const conn = await connectSsh({ target: 'mb' }, env());
    expect((await conn.run('id -un')).stdout.toString().trim()).toBe(peer.user);
    expect(conn.acceptedKeys).toEqual([]);
    conn.close();
    await conn.closed;
  });

  it('logs in through IdentityAgent alone: no IdentityFile, no SSH_AUTH_SOCK', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const agent = await startSshAgent(tmp.path, peer.clientKey);
    try {
      writeConfig(hostBlock('mb', peer, [`IdentityAgent ${agent.socket}`]));
      const conn = await connectSsh({ target: 'mb' }, env());
      expect((await conn.run('id -un')).stdout.toString().trim()).toBe(peer.user);
      conn.close();
      await conn.closed;
    } finally {
      agent.stop();
    }
  });

  it('reaches a host only through ProxyJump via a second sshd, with the jump host’s key checked too', async () => {
    writeConfig(
      hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`, 'ProxyJump hop']),
      hostBlock('hop', jump, [`IdentityFile ${jump.clientKey}`]),
    );
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const unknownJump = await rejectionOf(connectSsh({ target: 'mb', machineName: 'laptop' }, env()));
    expect(unknownJump.code).toBe('HOST_KEY_UNKNOWN');
    expect(unknownJump.message).toContain(`[127.0.0.1]:${jump.port}, a jump host on the way to mb`);
    expect(unknownJump.hint).toContain('happier machine trust laptop');

    writeFileSync(knownHosts, `${peer.knownHostsLine}\n${jump.knownHostsLine}\n`);
    const before = sessionsOf(jump);
    const conn = await connectSsh({ target: 'mb' }, env());
    expect(conn.host.proxyJump).toEqual(['hop']);
    expect((await conn.run('id -un')).stdout.toString().trim()).toBe(peer.user);
    expect(sessionsOf(jump)).toBe(before + 1);
    conn.close();
    await conn.closed;
  });

  it('follows Include, as OpenSSH resolves it', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const dir = join(tmp.path, 'config.d');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'peers.conf'), hostBlock('included', peer, [`IdentityFile ${peer.clientKey}`]).join('\n') + '\n');
    writeFileSync(config, `Include ${dir}/*.conf\n`);
    const conn = await connectSsh({ target: 'included' }, env());
    expect(conn.host).toMatchObject({ alias: 'included', hostName: '127.0.0.1', port: peer.port, user: peer.user });
    expect((await conn.run('echo ok')).stdout.toString()).toBe('ok\n');
    conn.close();
    await conn.closed;
  });

  it('refuses an unknown key by default, even under StrictHostKeyChecking no, and accepts it under accept-new', async () => {
    for (const strict of [[], ['StrictHostKeyChecking no'], ['StrictHostKeyChecking ask']]) {
      writeFileSync(knownHosts, '');
      writeConfig(hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`, ...strict]));
      const err = await rejectionOf(connectSsh({ target: 'mb', machineName: 'desk' }, env()));
      expect(err.code).toBe('HOST_KEY_UNKNOWN');
      expect(err.message).toMatch(/^the host key of mb \(\[127\.0\.0\.1\]:\d+\) is not known: SHA256:[A-Za-z0-9+/]{43}$/);
      expect(err.hint).toContain('happier machine add desk mb --accept-new-host-key');
      expect(readFileSync(knownHosts, 'utf8')).toBe('');
    }

    writeConfig(hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`, 'StrictHostKeyChecking accept-new']));
    const conn = await connectSsh({ target: 'mb' }, env());
    expect(conn.acceptedKeys).toHaveLength(1);
    expect(conn.acceptedKeys[0]).toMatch(/^SHA256:/);
    expect(readFileSync(knownHosts, 'utf8').trim()).toBe(peer.knownHostsLine);
    conn.close();
    await conn.closed;
  });

  it('refuses a changed key under any setting, naming its fingerprint and the known_hosts line to fix', async () => {
    const offered = execFileSync('ssh-keygen', ['-lf', '-'], { input: peer.knownHostsLine, encoding: 'utf8' }).split(' ')[1]!;
    // Line 2 holds another server's key under this server's name.
    writeFileSync(knownHosts, `# keep me\n${jump.knownHostsLine.replace(`:${jump.port}`, `:${peer.port}`)}\n`);
    for (const strict of ['StrictHostKeyChecking no', 'StrictHostKeyChecking accept-new']) {
      writeConfig(hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`, strict]));
      const err = await rejectionOf(connectSsh({ target: 'mb', machineName: 'desk', acceptNewHostKey: true }, env()));
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.message).toContain(offered);
      expect(err.message).toContain(`${knownHosts} line 2`);
      expect(err.details).toMatchObject({ knownHosts, line: 2, fingerprint: offered });
      expect(err.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${peer.port}' -f ${knownHosts}`);
      expect(err.hint).toContain('happier machine trust desk');
    }
  });

  it('pays one login for many commands, run one after another and at once', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    writeConfig(hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`]));
    await until(() => sessionsOf(peer) === 0);
    const conn = await connectSsh({ target: 'mb' }, env());
    const ports = [await clientPort(conn), await clientPort(conn)];
    ports.push(...(await Promise.all([1, 2, 3, 4, 5, 6].map(() => clientPort(conn)))));
    const ch = await conn.exec('cat');
    const echoed = new Promise<string>((resolve) => {
      let got = '';
      ch.on('data', (d: Buffer) => (got += d.toString()));
      ch.on('close', () => resolve(got));
    });
    ch.end('through the same login\n');
    expect(await echoed).toBe('through the same login\n');
    expect(new Set(ports).size).toBe(1);
    expect(sessionsOf(peer)).toBe(1);
    conn.close();
    await conn.closed;
    await until(() => sessionsOf(peer) === 0);
  });

  it('destroy() drops the connection at once: running channels close and nothing more runs', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    writeConfig(hostBlock('mb', peer, [`IdentityFile ${peer.clientKey}`]));
    const conn = await connectSsh({ target: 'mb' }, env());
    const ch = await conn.exec('sleep 30');
    ch.resume();
    ch.stderr.resume();
    const channelClosed = new Promise<void>((resolve) => ch.once('close', () => resolve()));
    const started = Date.now();
    conn.destroy();
    await Promise.all([channelClosed, conn.closed]);
    expect(Date.now() - started).toBeLessThan(3000);
    const err = await rejectionOf(conn.run('true'));
    expect(err.code).toBe('MACHINE_OFFLINE');
    expect(err.message).toContain('mb');
  });

  it('says a name does not resolve without telling the user to switch the machine on', async () => {
    writeConfig(['Host lost', '  HostName nosuch.invalid']);
    const err = await rejectionOf(connectSsh({ target: 'lost', machineName: 'attic' }, env()));
    expect(err.code).toBe('HOST_UNRESOLVED');
    expect(err.details).toMatchObject({ reason: 'unknown-host', host: 'lost', machine: 'attic' });
    expect(err.message).toContain('nosuch.invalid');
    expect(err.hint).toContain('nosuch.invalid');
    expect(err.hint).not.toMatch(/is on|switch/);
    expect(`${err.message} ${err.hint}`).not.toContain('<');
  });
});
