import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshEnv } from '../../../src/transfer/ssh/ssh-connection.js';
import { startSshAgent } from '../../helpers/ssh-agent.js';
import { startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { rejectionOf } from '../../helpers/happier-error.js';

// What both transports must do alike; openssh-connect.test.ts has what only OpenSSH does.
describe.each(['openssh', 'ssh2'])('SSH connections against a real sshd, over %s', (transport) => {
let peer: SshdPeer;
const tmp = tempDir('happier-ssh-');
let env: SshEnv;
let knownHosts: string;

beforeAll(async () => {
  peer = await startSshd();
  knownHosts = join(tmp.path, 'known_hosts');
  env = {
    env: { HAPPIER_KNOWN_HOSTS: knownHosts, HAPPIER_SSH_CONFIG: join(tmp.path, 'ssh_config'), HAPPIER_SSH_TRANSPORT: transport, PATH: process.env.PATH },
    homeDir: join(tmp.path, 'home'),
    localUser: 'nobody-local',
  };
  mkdirSync(env.homeDir);
});

afterAll(async () => {
  await peer?.stop();
  tmp.cleanup();
});

  it('refuses an unknown host key, showing its fingerprint, and accepts it only when asked', async () => {
    writeFileSync(knownHosts, '');
    const target = `${peer.user}@127.0.0.1:${peer.port}`;
    const err = await rejectionOf(connectSsh({ target, identityFile: peer.clientKey }, env));
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.message).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    expect(err.hint).toContain('--accept-new-host-key');
    expect(readFileSync(knownHosts, 'utf8')).toBe('');

    const conn = await connectSsh({ target, identityFile: peer.clientKey, acceptNewHostKey: true }, env);
    expect(conn.acceptedKeys).toHaveLength(1);
    expect(err.message).toContain(conn.acceptedKeys[0]);
    const line = readFileSync(knownHosts, 'utf8').trim();
    expect(line).toBe(peer.knownHostsLine);
    conn.close();

    const again = await connectSsh({ target, identityFile: peer.clientKey }, env);
    const r = await again.run('echo "$HOME"');
    expect(r.stdout.toString().trim()).toBe(peer.home);
    again.close();
  });

  it('with no key to log in with and an unknown host key, reports the host key first', async () => {
    writeFileSync(knownHosts, '');
    const target = `${peer.user}@127.0.0.1:${peer.port}`;
    const unknown = await rejectionOf(connectSsh({ target }, env));
    expect(unknown.code).toBe('HOST_KEY_UNKNOWN');
    expect(unknown.hint).toContain('--accept-new-host-key');
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const noKey = await rejectionOf(connectSsh({ target }, env));
    expect(noKey).toMatchObject({ code: 'SSH_FAILED', details: { reason: 'auth' } });
    expect(noKey.hint).toContain('--identity FILE');
  });

  it('refuses a changed host key even with --accept-new-host-key', async () => {
    const other = await startSshd();
    try {
      // The other server's key, recorded under this server's name.
      writeFileSync(knownHosts, other.knownHostsLine.replace(`:${other.port}`, `:${peer.port}`) + '\n');
      const err = await rejectionOf(
        connectSsh({ target: `${peer.user}@127.0.0.1:${peer.port}`, identityFile: peer.clientKey, acceptNewHostKey: true }, env),
      );
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.hint).toContain('ssh-keygen -R');
    } finally {
      await other.stop();
    }
  });

  it('accepts hashed known_hosts entries', async () => {
    const hashed = join(tmp.path, 'hashed_known_hosts');
    writeFileSync(hashed, peer.knownHostsLine + '\n');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const conn = await connectSsh(
      { target: `${peer.user}@127.0.0.1:${peer.port}`, identityFile: peer.clientKey },
      { ...env, env: { ...env.env, HAPPIER_KNOWN_HOSTS: hashed } },
    );
    conn.close();
  });

  it('resolves a Host alias from the ssh config, and jumps through a ProxyJump host', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    writeFileSync(
      env.env.HAPPIER_SSH_CONFIG!,
      [
        'Host !nothing-here peer-*',
        '  HostName 127.0.0.1',
        `  Port ${peer.port}`,
        `  User ${peer.user}`,
        `  IdentityFile ${peer.clientKey}`,
        'Host peer-jumped',
        '  ProxyJump peer-direct',
        'Host *',
        '  User someone-else',
        '  Port 1',
        '',
      ].join('\n'),
    );
    const direct = await connectSsh({ target: 'peer-direct' }, env);
    expect(direct.host).toMatchObject({ alias: 'peer-direct', hostName: '127.0.0.1', port: peer.port, user: peer.user, identityFiles: [peer.clientKey] });
    expect((await direct.run('id -un')).stdout.toString().trim()).toBe(peer.user);
    direct.close();

    const jumped = await connectSsh({ target: 'peer-jumped' }, env);
    expect(jumped.host.proxyJump).toEqual(['peer-direct']);
    const r = await jumped.run('echo "$SSH_CONNECTION"');
    // Through the jump, the server sees the connection come from its own address.
    expect(r.stdout.toString()).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+/);
    jumped.close();
  });

  it('logs in with a key held by ssh-agent (SSH_AUTH_SOCK) when no identity file is given', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const agent = await startSshAgent(tmp.path, peer.clientKey);
    const sock = agent.socket;
    try {
      const conn = await connectSsh({ target: `${peer.user}@127.0.0.1:${peer.port}` }, { ...env, env: { ...env.env, SSH_AUTH_SOCK: sock } });
      expect((await conn.run('id -un')).stdout.toString().trim()).toBe(peer.user);
      conn.close();
    } finally {
      agent.stop();
    }
  });

  it('reports a refused port as MACHINE_OFFLINE and a wrong key as an auth failure', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const refused = await rejectionOf(connectSsh({ target: `x@127.0.0.1:${port}`, identityFile: peer.clientKey }, env));
    expect(refused.code).toBe('MACHINE_OFFLINE');
    expect(refused.details.reason).toBe('refused');

    const wrongKey = join(tmp.path, 'wrong_key');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const auth = await rejectionOf(connectSsh({ target: `${peer.user}@127.0.0.1:${peer.port}`, identityFile: wrongKey }, env));
    expect(auth.code).toBe('SSH_FAILED');
    expect(auth.details.reason).toBe('auth');
    appendFileSync(knownHosts, '');
  });
});
