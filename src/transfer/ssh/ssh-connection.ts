/**
 * One authenticated SSH connection (through any ProxyJump hops), with host keys checked
 * against known_hosts. Everything a command runs on a peer shares it, as channels.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthMethod, Client, ClientChannel, ConnectConfig } from 'ssh2';
import { HappierError } from '../../domain/errors.js';
import { fingerprint, knownHostsLine, knownHostsName, knownKeyTypes, parseKnownHosts, verifyHostKey } from './known-hosts.js';
import { resolveSshTarget, type ResolvedHost } from './ssh-config.js';

export interface SshEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly localUser: string;
}

export interface ConnectOptions {
  /** `user@host[:port]` or a Host alias from the ssh config. */
  readonly target: string;
  /** Tried before the config's and the default identity files. */
  readonly identityFile?: string | null;
  /** Record an unknown host key in known_hosts instead of refusing it. A changed key is always refused. */
  readonly acceptNewHostKey?: boolean;
  readonly connectTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
}

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface SshConnection {
  readonly host: ResolvedHost;
  /** Host keys this connection recorded in known_hosts, as `SHA256:…`. */
  readonly acceptedKeys: readonly string[];
  /** A raw exec channel; the caller must drain both stdout and stderr. */
  exec(command: string): Promise<ClientChannel>;
  /** Runs a command to completion, draining everything; `stdin` is written then closed. */
  run(command: string, stdin?: Buffer | string): Promise<ExecResult>;
  /** Resolves when the connection is gone, for whatever reason. */
  readonly closed: Promise<void>;
  close(): void;
  /** Drops the connection at once, as a network failure would. */
  destroy(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEPALIVE_MS = 15_000;
// GCM first: AES-NI makes it the cheapest cipher in Node's OpenSSL; compression stays off
// because tree sync compresses literals itself.
const CIPHERS = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'];

export function knownHostsPath(e: SshEnv): string {
  return e.env.HAPPIER_KNOWN_HOSTS || join(e.homeDir, '.ssh', 'known_hosts');
}

export function sshConfigPath(e: SshEnv): string {
  return e.env.HAPPIER_SSH_CONFIG || join(e.homeDir, '.ssh', 'config');
}

export function resolveTarget(target: string, e: SshEnv): ResolvedHost {
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

export async function connectSsh(opts: ConnectOptions, e: SshEnv): Promise<SshConnection> {
  const host = resolveTarget(opts.target, e);
  const hops = [...host.jumps, host];
  const clients: Client[] = [];
  const accepted: string[] = [];
  try {
    let sock: Readable | undefined;
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i]!;
      const client = await connectHop(hop, sock, i === hops.length - 1 ? opts.identityFile : undefined, opts, e, accepted);
      clients.push(client);
      if (i < hops.length - 1) sock = await forward(client, hops[i + 1]!);
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
      last.exec(command, (err, ch) => (err ? reject(sshFailed(host, `cannot run a command on ${host.alias}: ${err.message}`, err)) : resolve(ch)));
    });
  return {
    host,
    acceptedKeys: accepted,
    exec,
    run: async (command, stdin) => {
      const ch = await exec(command);
      return new Promise<ExecResult>((resolve) => {
        const out: Buffer[] = [];
        let err = '';
        ch.on('data', (d: Buffer) => out.push(d));
        ch.stderr.setEncoding('utf8').on('data', (d: string) => {
          if (err.length < 65536) err += d;
        });
        let code: number | null = null;
        ch.on('exit', (c: number | null) => (code = c));
        ch.on('close', () => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
        ch.end(stdin ?? undefined);
      });
    },
    closed,
    close: () => last.end(),
    destroy: () => {
      last.destroy();
      for (const c of clients) c.destroy();
    },
  };
}

function forward(client: Client, next: ResolvedHost): Promise<Readable> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, next.hostName, next.port, (err, stream) => {
      if (err) reject(offline(next, 'unreachable', `the jump host cannot reach ${next.hostName}:${next.port}: ${err.message}`, err));
      else resolve(stream);
    });
  });
}

function connectHop(
  hop: ResolvedHost,
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

  const auth = authMethods(hop, extraIdentity, e);
  if (auth.length === 0) {
    return Promise.reject(
      new HappierError('SSH_FAILED', `no SSH key to log in to ${hop.alias} with`, {
        hint: 'start ssh-agent, pass --identity FILE, or set IdentityFile in ~/.ssh/config',
        details: { reason: 'auth', host: hop.alias },
      }),
    );
  }
  const known = knownKeyTypes(entries, names);
  const config: ConnectConfig = {
    host: hop.hostName,
    port: hop.port,
    username: hop.user,
    sock,
    readyTimeout: opts.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS,
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
          ? new HappierError('HOST_KEY_UNKNOWN', `the host key of ${hop.alias} (${name}) is not known: ${fp}`, {
              hint: `if ${fp} is really that machine's key, accept it with \`happier machine add <name> ${hop.alias} --accept-new-host-key\` or \`happier machine trust <name>\``,
              details: { reason: 'host-key-unknown', host: name, fingerprint: fp, knownHosts: khPath },
            })
          : new HappierError('HOST_KEY_CHANGED', `the host key of ${hop.alias} (${name}) has CHANGED and does not match ${khPath}: ${fp}`, {
              hint: `someone may be intercepting the connection; if the machine was reinstalled, remove the old key with \`ssh-keygen -R '${name}' -f ${khPath}\` and trust it again`,
              details: { reason: 'host-key-changed', host: name, fingerprint: fp, knownHosts: khPath },
            });
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
      reject(refusal ?? classify(hop, err));
    });
    client.once('close', () => {
      if (settled) return;
      settled = true;
      reject(refusal ?? offline(hop, 'closed', `${hop.alias} closed the connection during the handshake`));
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

function classify(hop: ResolvedHost, err: Error & { level?: string; code?: string }): HappierError {
  const where = `${hop.alias} (${hop.hostName}:${hop.port})`;
  if (err.level === 'client-authentication') {
    return new HappierError('SSH_FAILED', `${hop.user}@${where} refused every key offered`, {
      hint: 'check the user name, pass --identity FILE, or add your key to the peer’s authorized_keys',
      details: { reason: 'auth', host: hop.alias },
      cause: err,
    });
  }
  if (err.code === 'ECONNREFUSED') return offline(hop, 'refused', `${where} refused the connection`, err);
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT' || /timed out/i.test(err.message)) {
    return offline(hop, 'timeout', `${where} did not answer in time`, err);
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return offline(hop, 'unknown-host', `cannot resolve ${hop.hostName}`, err);
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return offline(hop, 'unreachable', `${where} is unreachable`, err);
  return sshFailed(hop, `SSH to ${where} failed: ${err.message}`, err);
}

function offline(hop: ResolvedHost, reason: string, message: string, cause?: unknown): HappierError {
  return new HappierError('MACHINE_OFFLINE', message, {
    hint: 'check that the machine is on and its SSH server is running',
    details: { reason, host: hop.alias },
    cause,
  });
}

function sshFailed(hop: ResolvedHost, message: string, cause?: unknown): HappierError {
  return new HappierError('SSH_FAILED', message, { hint: 'set HAPPIER_DEBUG=1 for details', details: { reason: 'ssh', host: hop.alias }, cause });
}
