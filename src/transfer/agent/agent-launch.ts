/**
 * Starts the agent on a peer over an SSH connection. An installed `happier` of the same
 * version is used as is; otherwise the single-file bundle is uploaded (once per version
 * and content, checked by sha256 on the peer) and run with the peer's own node.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientChannel } from 'ssh2';
import { HappierError } from '../../domain/errors.js';
import type { SshConnection } from '../ssh/ssh-connection.js';
import { AgentEndpoint, type HandlerRegistry } from './agent-endpoint.js';
import type { AgentInfo } from './agent-info.js';
import { afterBanner, PROTOCOL_VERSION } from './frame-codec.js';

export const MIN_NODE_MAJOR = 20;
const BUNDLE_NAME = 'happier-agent.mjs';
const HELLO_TIMEOUT_MS = 20_000;

export interface AgentBundle {
  readonly bytes: Buffer;
  readonly sha256: string;
}

export interface RemoteAgent {
  readonly endpoint: AgentEndpoint;
  readonly info: AgentInfo;
  /** How it was started: the installed CLI, or the uploaded bundle. */
  readonly via: 'installed' | 'bundle';
  /** Whether this start had to upload the bundle. */
  readonly uploaded: boolean;
  /** What the agent wrote on stderr (last few KB), for error reports. */
  stderr(): string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  readonly localVersion: string;
  readonly localInfo: Omit<AgentInfo, 'handlers'> & Partial<Pick<AgentInfo, 'handlers'>>;
  /** Handlers the peer may call back on this side. */
  readonly handlers?: HandlerRegistry;
  /** Skips an installed happier even of the same version (tests of the upload path). */
  readonly forceBundle?: boolean;
  readonly bundle?: AgentBundle;
}

export interface PeerProbe {
  readonly happierVersion: string | null;
  readonly nodeVersion: string | null;
  readonly bundleSha256: string | null;
}

export function remoteBundleDir(version: string): string {
  return `$HOME/.happier/agent/${version}`;
}

const SHA_OF_ARG =
  `node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))'`;

/** One round trip: what is there to run the agent with. */
export async function probePeer(conn: SshConnection, version: string): Promise<PeerProbe> {
  const f = `${remoteBundleDir(version)}/${BUNDLE_NAME}`;
  const script = [
    `v=; if command -v happier >/dev/null 2>&1; then v=$(happier --version 2>/dev/null | head -n 1); fi`,
    `printf 'happier=%s\\n' "$v"`,
    `printf 'node=%s\\n' "$(node --version 2>/dev/null)"`,
    `f="${f}"; if [ -f "$f" ]; then printf 'bundle=%s\\n' "$(${SHA_OF_ARG} "$f" 2>/dev/null)"; fi`,
  ].join('; ');
  const r = await conn.run(`sh -c ${shq(script)}`);
  const fields = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^(happier|node|bundle)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!.trim());
  }
  const val = (k: string) => fields.get(k) || null;
  return { happierVersion: val('happier'), nodeVersion: val('node'), bundleSha256: val('bundle') };
}

export function nodeMajor(version: string | null): number | null {
  const m = /^v?(\d+)\./.exec(version ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Writes the bundle under a temporary name, lets the peer hash it, and renames it into
 * place only when the hash is the one expected.
 */
export async function uploadAgentBundle(conn: SshConnection, bytes: Buffer, sha256: string, version: string): Promise<void> {
  const dir = remoteBundleDir(version);
  const script = [
    `umask 077`,
    `d="${dir}"`,
    `mkdir -p "$d" || exit 4`,
    `t="$d/.upload-$$"`,
    `cat > "$t" || { rm -f "$t"; exit 4; }`,
    `h=$(${SHA_OF_ARG} "$t")`,
    `if [ "$h" = "${sha256}" ]; then mv -f "$t" "$d/${BUNDLE_NAME}"; else rm -f "$t"; echo "got sha256 $h" >&2; exit 3; fi`,
  ].join('; ');
  const r = await conn.run(`sh -c ${shq(script)}`, bytes);
  if (r.code === 3) {
    throw new HappierError('TRANSFER_FAILED', `the agent uploaded to ${conn.host.alias} does not match its sha256 (${r.stderr.trim()})`, {
      hint: 'the upload was discarded; retry, and check the connection if it happens again',
      details: { reason: 'hash-mismatch', expected: sha256 },
    });
  }
  if (r.code !== 0) {
    throw new HappierError('TRANSFER_FAILED', `could not upload the agent to ${conn.host.alias}: ${r.stderr.trim() || `exit ${r.code}`}`, {
      hint: 'check that the peer has space and a writable home directory',
      details: { reason: 'upload-failed' },
    });
  }
}

/** The bundle built next to this code (dist/agent), or HAPPIER_AGENT_BUNDLE. */
export function localAgentBundle(env: Readonly<Record<string, string | undefined>>): AgentBundle {
  const path = env.HAPPIER_AGENT_BUNDLE || findBundle();
  if (!path) {
    throw new HappierError('INTERNAL', 'the bundled agent (dist/agent/happier-agent.mjs) is missing from this installation', {
      hint: 'run `npm run build`, or install happier on the peer',
    });
  }
  const bytes = readFileSync(path);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function findBundle(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, 'agent', BUNDLE_NAME), join(dir, 'dist', 'agent', BUNDLE_NAME)]) {
      if (existsSync(candidate)) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export async function launchRemoteAgent(conn: SshConnection, opts: LaunchOptions): Promise<RemoteAgent> {
  const probe = await probePeer(conn, opts.localVersion);
  let command: string;
  let via: RemoteAgent['via'];
  let uploaded = false;
  if (!opts.forceBundle && probe.happierVersion === opts.localVersion) {
    command = `exec happier agent --stdio`;
    via = 'installed';
  } else {
    const major = nodeMajor(probe.nodeVersion);
    if (major === null) {
      throw new HappierError('PEER_INCOMPATIBLE', `${conn.host.alias} has neither happier ${opts.localVersion} nor node on its PATH`, {
        hint: `install Node ${MIN_NODE_MAJOR} or newer (or happier) on ${conn.host.alias}`,
        details: { reason: 'node-missing' },
      });
    }
    if (major < MIN_NODE_MAJOR) {
      throw new HappierError('PEER_INCOMPATIBLE', `node ${probe.nodeVersion} on ${conn.host.alias} is too old: the agent needs Node ${MIN_NODE_MAJOR} or newer`, {
        hint: `upgrade node on ${conn.host.alias}, or install happier ${opts.localVersion} there`,
        details: { reason: 'node-too-old', nodeVersion: probe.nodeVersion },
      });
    }
    const bundle = opts.bundle ?? localAgentBundle({});
    if (probe.bundleSha256 !== bundle.sha256) {
      await uploadAgentBundle(conn, bundle.bytes, bundle.sha256, opts.localVersion);
      uploaded = true;
    }
    command = `exec node "${remoteBundleDir(opts.localVersion)}/${BUNDLE_NAME}" --stdio`;
    via = 'bundle';
  }
  const channel = await conn.exec(`sh -c ${shq(command)}`);
  return attachAgent(channel, conn.host.alias, opts, via, uploaded);
}

async function attachAgent(
  channel: ClientChannel,
  alias: string,
  opts: LaunchOptions,
  via: RemoteAgent['via'],
  uploaded: boolean,
): Promise<RemoteAgent> {
  let stderr = '';
  channel.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8192);
  });
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));

  const prefix = await readBanner(channel, alias, () => stderr, closed);
  const endpoint = new AgentEndpoint(channel, { side: 'client', ...(opts.handlers ? { handlers: opts.handlers } : {}) });
  endpoint.attach(channel, prefix);
  channel.resume();
  endpoint.sendHello({ ...opts.localInfo, handlers: opts.handlers?.names() ?? { rpcs: [], streams: [] } });
  let timer: NodeJS.Timeout | undefined;
  const info = (await Promise.race([
    endpoint.peerHello,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new HappierError('PROTOCOL', `the agent on ${alias} did not say hello in time`, { hint: 'set HAPPIER_DEBUG=1 and retry' })),
        HELLO_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer))) as AgentInfo;
  if (info?.protocol !== PROTOCOL_VERSION) {
    endpoint.close();
    throw new HappierError('PEER_INCOMPATIBLE', `the agent on ${alias} speaks protocol ${String(info?.protocol)}, this happier ${PROTOCOL_VERSION}`, {
      hint: 'install the same happier version on both machines',
      details: { reason: 'protocol', remoteVersion: info?.happierVersion },
    });
  }
  return {
    endpoint,
    info,
    via,
    uploaded,
    stderr: () => stderr,
    close: async () => {
      endpoint.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      channel.destroy();
    },
  };
}

/** Reads until the agent's banner; a login shell may print before it. */
function readBanner(channel: ClientChannel, alias: string, stderr: () => string, closed: Promise<void>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      const found = afterBanner(seen);
      if (found) {
        channel.off('data', onData);
        channel.pause();
        resolve(found.rest);
      } else if (seen.length > 65536) {
        channel.off('data', onData);
        reject(new HappierError('PROTOCOL', `the agent on ${alias} printed something else: ${seen.toString('utf8', 0, 200)}`, { hint: 'check the peer’s shell start-up files for output' }));
      }
    };
    channel.on('data', onData);
    void closed.then(() =>
      reject(
        new HappierError('PEER_INCOMPATIBLE', `the agent on ${alias} exited before it started: ${stderr().trim().split('\n').slice(-3).join(' ') || 'no output'}`, {
          hint: 'run `happier machine ping` with HAPPIER_DEBUG=1 for details',
          details: { reason: 'agent-exited' },
        }),
      ),
    );
  });
}

/** Single-quotes for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
