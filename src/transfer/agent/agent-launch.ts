/**
 * Starts the agent on a peer over an SSH connection. An installed `happier` of the same
 * version is used as is; otherwise the single-file bundle is uploaded (once per version
 * and content, checked by sha256 on the peer) and run with the peer's own node.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RemoteChannel } from '../ssh/remote-channel.js';
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
const PROBE_MARK = 'HAPPIER-PROBE';

/**
 * One exec that starts the agent when it can (an installed happier of this version, or a
 * bundle already on the peer whose sha256 is the one expected, run by node 20+), and
 * otherwise reports what the peer has, so the common case costs a single round trip.
 */
export function startScript(version: string, sha256: string, forceBundle: boolean): string {
  const f = `${remoteBundleDir(version)}/${BUNDLE_NAME}`;
  return [
    `hv=; h=`,
    forceBundle
      ? ``
      : `if command -v happier >/dev/null 2>&1; then hv=$(happier --version 2>/dev/null | head -n 1); [ "$hv" = ${shq(version)} ] && exec happier agent --stdio; fi`,
    `nv=$(node --version 2>/dev/null); m=\${nv#v}; m=\${m%%.*}`,
    `f="${f}"`,
    `if [ -f "$f" ] && [ "$m" -ge ${MIN_NODE_MAJOR} ] 2>/dev/null; then` +
      ` h=$( (sha256sum "$f" 2>/dev/null || shasum -a 256 "$f" 2>/dev/null) | cut -c1-64);` +
      ` [ -n "$h" ] || h=$(${SHA_OF_ARG} "$f" 2>/dev/null);` +
      ` [ "$h" = ${shq(sha256)} ] && exec node "$f" --stdio; fi`,
    `printf '${PROBE_MARK} happier=%s node=%s bundle=%s\\n' "$hv" "$nv" "$h"`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function parseProbe(line: string): PeerProbe {
  const field = (k: string) => new RegExp(`${k}=(\\S*)`).exec(line)?.[1] || null;
  return { happierVersion: field('happier'), nodeVersion: field('node'), bundleSha256: field('bundle') };
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
  let bundle: AgentBundle | undefined = opts.bundle;
  try {
    bundle ??= localAgentBundle({});
  } catch (err) {
    // Without a local bundle, only an installed happier on the peer can serve.
    if (opts.forceBundle) throw err;
  }
  let uploaded = false;
  for (;;) {
    const channel = await conn.exec(`sh -c ${shq(startScript(opts.localVersion, bundle?.sha256 ?? 'none', !!opts.forceBundle))}`);
    const started = await startOrProbe(channel, conn.host.alias);
    if (started.kind === 'agent') return attachAgent(started.channel, started.prefix, conn.host.alias, opts, uploaded, started.stderr, started.closed);
    if (uploaded) {
      throw new HappierError('PEER_INCOMPATIBLE', `the agent uploaded to ${conn.host.alias} does not start`, {
        hint: 'check the peer’s home directory and node installation; set HAPPIER_DEBUG=1 for details',
        details: { reason: 'agent-not-started', probe: started.probe },
      });
    }
    const probe = started.probe;
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
    bundle ??= localAgentBundle({});
    await uploadAgentBundle(conn, bundle.bytes, bundle.sha256, opts.localVersion);
    uploaded = true;
  }
}

type Started =
  | { kind: 'agent'; channel: RemoteChannel; prefix: Buffer; stderr: () => string; closed: Promise<void> }
  | { kind: 'probe'; probe: PeerProbe };

/** Reads the start script's first words: the agent's banner, or the probe line. */
function startOrProbe(channel: RemoteChannel, alias: string): Promise<Started> {
  let stderr = '';
  channel.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8192);
  });
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      const found = afterBanner(seen);
      if (found) {
        channel.off('data', onData);
        channel.pause();
        resolve({ kind: 'agent', channel, prefix: found.rest, stderr: () => stderr, closed });
        return;
      }
      const at = seen.indexOf(PROBE_MARK);
      const nl = at >= 0 ? seen.indexOf('\n', at) : -1;
      if (nl >= 0) {
        channel.off('data', onData);
        channel.on('data', () => undefined);
        resolve({ kind: 'probe', probe: parseProbe(seen.toString('utf8', at, nl)) });
      } else if (seen.length > 65536) {
        channel.off('data', onData);
        channel.destroy();
        reject(new HappierError('PROTOCOL', `the agent on ${alias} printed something else: ${seen.toString('utf8', 0, 200)}`, { hint: 'check the peer’s shell start-up files for output' }));
      }
    };
    channel.on('data', onData);
    void closed.then(() =>
      reject(
        new HappierError('PEER_INCOMPATIBLE', `the agent on ${alias} exited before it started: ${stderr.trim().split('\n').slice(-3).join(' ') || 'no output'}`, {
          hint: 'set HAPPIER_DEBUG=1 and retry',
          details: { reason: 'agent-exited' },
        }),
      ),
    );
  });
}

async function attachAgent(
  channel: RemoteChannel,
  prefix: Buffer,
  alias: string,
  opts: LaunchOptions,
  uploaded: boolean,
  stderr: () => string,
  closed: Promise<void>,
): Promise<RemoteAgent> {
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
    via: info.flavor === 'installed' ? 'installed' : 'bundle',
    uploaded,
    stderr,
    close: async () => {
      endpoint.close();
      let t: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (t = setTimeout(r, 2000)))]);
      clearTimeout(t);
      channel.destroy();
    },
  };
}

/** Single-quotes for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
