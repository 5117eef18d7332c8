/**
 * A real OpenSSH server on 127.0.0.1 for integration tests, standing in for "the other
 * machine": its own throwaway host key, a client key in authorized_keys, and a second HOME.
 *
 *   const peer = await startSshd();
 *   // ssh to peer.host:peer.port as peer.user with peer.clientKey; trust peer.knownHostsLine
 *   await peer.stop();
 *
 * As root it logs in as a dedicated user (`happier-peer`, created once with useradd), so
 * files on the "peer" really belong to someone else. Without root, sshd runs as the current
 * user and only HOME differs. Each server gets a fresh HOME (via SetEnv), so two servers
 * in one run are two machines.
 *
 * Its files (and so the peer's HOME) live on tmpfs when there is room (see fast-temp.ts).
 *
 * Options: `path` replaces the peer's PATH (default: the directory of this node plus the
 * system dirs; never one holding `happier`), `hostKeyType` picks the host key algorithm.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fastTempDir } from './fast-temp.js';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

export interface SshdPeer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The peer's HOME: what `~` means in commands run over this server. */
  readonly home: string;
  /** Private key file accepted by the server. */
  readonly clientKey: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…`, ready for a known_hosts file. */
  readonly knownHostsLine: string;
  /** The sshd process (kill its children to cut live sessions). */
  readonly pid: number;
  /** Hands a path in the peer's HOME to the peer's user (files made by the test run as root). */
  chown(path: string): void;
  stop(): Promise<void>;
}

export interface SshdOptions {
  path?: string;
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
}

const PEER_USER = 'happier-peer';
const SSHD = '/usr/sbin/sshd';

export async function startSshd(opts: SshdOptions = {}): Promise<SshdPeer> {
  const isRoot = process.getuid?.() === 0;
  const base = fastTempDir('happier-sshd-');
  // The peer user must be able to walk into its HOME below this directory.
  chmodSync(base, 0o711);
  const home = join(base, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });

  const user = isRoot ? ensurePeerUser() : userInfo().username;
  const ids = isRoot ? idsOf(user) : undefined;

  const hostKey = join(base, 'host_key');
  const clientKey = join(base, 'client_key');
  const hostKeyType = opts.hostKeyType ?? 'ed25519';
  execFileSync('ssh-keygen', ['-q', '-t', hostKeyType, '-N', '', '-C', 'happier-test-host', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'happier-test-client', '-f', clientKey]);
  const authorizedKeys = join(base, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(clientKey + '.pub'));
  chmodSync(authorizedKeys, 0o644);

  if (ids) chownTree(home, ids);
  if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const port = await freePort();
  const path = opts.path ?? [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  const config = join(base, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(base, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PubkeyAuthentication yes`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `UsePAM no`,
      `StrictModes no`,
      `AllowTcpForwarding yes`,
      `PermitRootLogin yes`,
      `AllowUsers ${user}`,
      `MaxSessions 64`,
      `MaxStartups 64`,
      `LogLevel ERROR`,
      `SetEnv HOME=${home} PATH=${path} LANG=C.UTF-8`,
      `Subsystem sftp internal-sftp`,
      '',
    ].join('\n'),
  );

  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  await waitForPort(port, child, () => log);

  const pub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/);
  const knownHostsLine = `[127.0.0.1]:${port} ${pub[0]} ${pub[1]}`;
  return {
    host: '127.0.0.1',
    port,
    user,
    home,
    clientKey,
    knownHostsLine,
    pid: child.pid!,
    chown: (p) => {
      if (ids) chownTree(p, ids);
    },
    stop: () => stopChild(child, base),
  };
}

function ensurePeerUser(): string {
  try {
    execFileSync('id', ['-u', PEER_USER], { stdio: 'ignore' });
  } catch {
    try {
      // '*' rather than the default '!': with UsePAM off, sshd refuses a locked account even for keys.
      execFileSync('useradd', ['-M', '-d', '/tmp', '-s', '/bin/bash', '-p', '*', PEER_USER], { stdio: 'pipe' });
    } catch (err) {
      // Another test process may have created it a moment ago.
      execFileSync('id', ['-u', PEER_USER], { stdio: 'ignore' });
      void err;
    }
  }
  return PEER_USER;
}

function idsOf(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function chownTree(path: string, ids: { uid: number; gid: number }): void {
  execFileSync('chown', ['-R', '-h', `${ids.uid}:${ids.gid}`, path]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function stopChild(child: ChildProcess, base: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      // rm(1) is an order of magnitude faster than fs.rmSync on trees of tens of thousands of files.
      if (existsSync(base)) execFileSync('rm', ['-rf', base]);
      resolve();
    };
    if (child.exitCode !== null) return done();
    killSessions(child.pid!);
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

/** Ends every live session of this server: sshd forks one process per connection. */
export function killSessions(sshdPid: number): void {
  try {
    execFileSync('pkill', ['-KILL', '-P', String(sshdPid)], { stdio: 'ignore' });
  } catch {
    // no session was open
  }
}
