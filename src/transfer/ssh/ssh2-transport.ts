/**
 * The ssh2 fallback, for machines with no OpenSSH client (or HAPPIER_SSH_TRANSPORT=ssh2):
 * a connection per hop through ProxyJump, happier's own reading of the ssh config
 * (ssh-config.ts) and of known_hosts (known-hosts.ts), keys from ssh-agent and files.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthMethod, Client, ClientChannel, ConnectConfig } from 'ssh2';
import type { HappierError } from '../../domain/errors.js';
import { fingerprint, knownHostsLine, knownHostsName, knownKeyTypes, parseKnownHosts, verifyHostKey } from './known-hosts.js';
import { runToEnd } from './remote-channel.js';
import { resolveSshTarget, type ResolvedHost } from './ssh-config.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MS, type ConnectOptions, type SshConnection, type SshEnv } from './ssh-connection.js';
import { authFailed, hostKeyChanged, hostKeyUnknown, offline, sshFailed, type LoginContext, type OfflineReason } from './ssh-errors.js';
import type { SshHost } from './ssh-host.js';

// GCM first: AES-NI makes it the cheapest cipher in Node's OpenSSL; compression stays off
// because tree sync compresses literals itself.
const CIPHERS = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'];

function knownHostsPath(e: SshEnv): string {
  return e.env.HAPPIER_KNOWN_HOSTS || join(e.homeDir, '.ssh', 'known_hosts');
}

function sshConfigPath(e: SshEnv): string {
  return e.env.HAPPIER_SSH_CONFIG || join(e.homeDir, '.ssh', 'config');
}

function resolveTarget(target: string, e: SshEnv): ResolvedHost {
  return resolveSshTarget(target, {
    configPath: sshConfigPath(e),
    homeDir: e.homeDir,
    localUser: e.localUser,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
  });
}

export async function connectSsh2(opts: ConnectOptions, e: SshEnv): Promise<SshConnection> {
  const resolved = resolveTarget(opts.target, e);
  const host = sshHostOf(resolved);
  const login = (hop: ResolvedHost): LoginContext => ({ host: sshHostOf(hop), machine: opts.machineName ?? resolved.alias, target: opts.target });
  const hops = [...resolved.jumps, resolved];
  const clients: Client[] = [];
  const accepted: string[] = [];
  try {
    let sock: Readable | undefined;
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i]!;
      const client = await connectHop(hop, login(hop), sock, i === hops.length - 1 ? opts.identityFile : undefined, opts, e, accepted);
      clients.push(client);
      if (i < hops.length - 1) sock = await forward(client, login(hops[i + 1]!));
    }
  } catch (err) {
    for (const c of clients.reverse()) c.end();
    throw err;
  }
  const last = clients[clients.length - 1]!;
  const closed = new Promise<void>((resolve) => last.once('close', () => resolve()));
  // The hops only carry the last connection; they go when it goes.
  void closed.then(() => clients.forEach((c) => c.end()));
  last.on('error', () => undefined);

  const exec = (command: string) =>
    new Promise<ClientChannel>((resolve, reject) => {
      last.exec(command, (err, ch) => (err ? reject(sshFailed(login(resolved), 'exec', `cannot run a command on ${host.alias}: ${err.message}`, err)) : resolve(ch)));
    });
  return {
    host,
    acceptedKeys: accepted,
    exec,
    run: async (command, stdin) => runToEnd(await exec(command), stdin),
    closed,
    close: () => last.end(),
    destroy: () => {
      last.destroy();
      for (const c of clients) c.destroy();
    },
  };
}

function sshHostOf(h: ResolvedHost): SshHost {
  return { alias: h.alias, hostName: h.hostName, port: h.port, user: h.user, identityFiles: h.identityFiles, proxyJump: h.jumps.map((j) => j.alias) };
}

function forward(client: Client, next: LoginContext): Promise<Readable> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, next.host.hostName, next.host.port, (err, stream) => {
      if (err) reject(offline(next, 'unreachable', `the jump host cannot reach ${next.host.hostName}:${next.host.port}: ${err.message}`, err));
      else resolve(stream);
    });
  });
}

function connectHop(
  hop: ResolvedHost,
  login: LoginContext,
  sock: Readable | undefined,
  extraIdentity: string | null | undefined,
  opts: ConnectOptions,
  e: SshEnv,
  accepted: string[],
): Promise<Client> {
  const khPath = knownHostsPath(e);
  const names = [knownHostsName(hop.hostName, hop.port)];
  if (hop.alias !== hop.hostName) names.push(knownHostsName(hop.alias, hop.port));
  const entries = parseKnownHosts(readKnownHostsFiles(khPath, e));
  let refusal: HappierError | undefined;

  // With no key at all the handshake still runs: an unknown host key is what the user must
  // settle first, and OpenSSH reports it first too.
  const auth = authMethods(hop, extraIdentity, e);
  const noKey = (err: Error & { level?: string }) =>
    auth.length === 0 && err.level === 'client-authentication' ? authFailed(login, 'no key to offer: no ssh-agent, no readable unencrypted key file', err) : null;
  const known = knownKeyTypes(entries, names);
  const config: ConnectConfig = {
    host: hop.hostName,
    port: hop.port,
    username: hop.user,
    sock,
    readyTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveInterval: opts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: 3,
    authHandler: auth,
    algorithms: {
      cipher: CIPHERS as never,
      ...(known.length > 0 ? { serverHostKey: preferKnown(known) as never } : {}),
    },
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(entries, names, key);
      const name = names[0]!;
      if (verdict.kind === 'known') return true;
      const fp = fingerprint(key);
      if (verdict.kind === 'unknown' && opts.acceptNewHostKey) {
        mkdirSync(dirname(khPath), { recursive: true, mode: 0o700 });
        appendFileSync(khPath, knownHostsLine(name, key) + '\n', { mode: 0o600 });
        accepted.push(fp);
        return true;
      }
      refusal =
        verdict.kind === 'unknown'
          ? hostKeyUnknown(login, name, fp, khPath)
          : hostKeyChanged(login, { name, fingerprint: fp, file: khPath, line: null, revoked: verdict.kind === 'revoked' });
      return false;
    },
  };

  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(refusal ?? noKey(err) ?? classify(login, err));
    });
    client.once('close', () => {
      if (settled) return;
      settled = true;
      reject(refusal ?? offline(login, 'closed', `${hop.alias} closed the connection during the handshake`));
    });
    client.connect(config);
  });
}
/** The known types first, in the order ssh2 would otherwise use. */
function preferKnown(known: string[]): string[] {
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const wanted = new Set(known.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t])));
  return [...all.filter((a) => wanted.has(a)), ...all.filter((a) => !wanted.has(a))];
}

function readKnownHostsFiles(path: string, e: SshEnv): string {
  const files = e.env.HAPPIER_KNOWN_HOSTS ? [path] : [path, '/etc/ssh/ssh_known_hosts'];
  return files
    .map((f) => {
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return '';
      }
    })
    .join('\n');
}

function authMethods(hop: ResolvedHost, extraIdentity: string | null | undefined, e: SshEnv): AuthMethod[] {
  const methods: AuthMethod[] = [];
  const agent = e.env.SSH_AUTH_SOCK;
  if (agent && existsSync(agent)) methods.push({ type: 'agent', username: hop.user, agent } as AuthMethod);
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(e.homeDir, '.ssh', f));
  const files = [...(extraIdentity ? [extraIdentity] : []), ...(hop.identityFiles.length ? hop.identityFiles : defaults)];
  for (const file of new Set(files)) {
    let key: Buffer;
    try {
      key = readFileSync(file);
    } catch {
      continue;
    }
    const parsed = ssh2.utils.parseKey(key);
    // An encrypted key would need a passphrase prompt; the agent is the way to use one.
    if (parsed instanceof Error) continue;
    methods.push({ type: 'publickey', username: hop.user, key } as AuthMethod);
  }
  return methods;
}

function classify(login: LoginContext, err: Error & { level?: string; code?: string }): HappierError {
  const h = login.host;
  const where = `${h.alias} (${h.hostName}:${h.port})`;
  if (err.level === 'client-authentication') return authFailed(login, 'publickey', err);
  const reason: OfflineReason | null =
    err.code === 'ECONNREFUSED'
      ? 'refused'
      : err.level === 'client-timeout' || err.code === 'ETIMEDOUT' || /timed out/i.test(err.message)
        ? 'timeout'
        : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
          ? 'unknown-host'
          : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH'
            ? 'unreachable'
            : null;
  if (reason === 'unknown-host') return offline(login, reason, `cannot resolve ${h.hostName}, the address of ${h.alias}`, err);
  if (reason) return offline(login, reason, `${where}: ${err.message}`, err);
  return sshFailed(login, 'ssh', `SSH to ${where} failed: ${err.message}`, err);
}
