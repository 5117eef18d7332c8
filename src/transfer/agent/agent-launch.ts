/**
 * Starts the agent on a peer over an SSH connection, through the user's login shell so it
 * (and every pane it starts) has the PATH and provider settings of the user's profile. An
 * installed `happier` of the same version is used as is; otherwise the single-file bundle
 * is uploaded (once per version and content, checked by sha256 on the peer) and run with
 * the peer's own node. Paths set with `happier machine set` win over the login PATH.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RemoteChannel } from '../ssh/remote-channel.js';
import { HappierError } from '../../domain/errors.js';
import type { MachineKey, MachineOverrides } from '../../domain/machine.js';
import type { SshConnection } from '../ssh/ssh-connection.js';
import { AgentEndpoint, type HandlerRegistry } from './agent-endpoint.js';
import type { AgentInfo } from './agent-info.js';
import { afterBanner, PROTOCOL_VERSION } from './frame-codec.js';
import { LOGIN_SHELL_VAR } from './peer-environment.js';
import { MIN_NODE_MAJOR, parseProbe, PROBE_MARK, probeVerdict, type PeerProbe } from './start-probe.js';

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
  /** The machine's name in happier, for hints that say what to set. */
  readonly machineName?: string;
  /** Paths the user set for this peer (`happier machine set`); they win over its login PATH. */
  readonly overrides?: MachineOverrides;
}

export function remoteBundleDir(version: string): string {
  return `$HOME/.happier/agent/${version}`;
}

const shaOf = (node: string) =>
  `${node} -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))'`;
// Shells known to take `-l -c`; csh and tcsh do not, so they log in through sh instead.
const LOGIN_SHELLS = 'bash|zsh|fish|sh|dash|ksh|mksh|yash|ash';
const PROVIDER_BIN_VARS = { tmux: 'HAPPIER_TMUX_BIN', claude: 'HAPPIER_CLAUDE_BIN', codex: 'HAPPIER_CODEX_BIN', opencode: 'HAPPIER_OPENCODE_BIN' } as const;

/**
 * The exec that logs in: the user's login shell (or the `shell` override) with `-l`, which
 * then runs `sh` reading the start script from stdin, so the script is the same whatever
 * the shell's syntax and nothing of it shows on an argv. The PATH the ssh session had
 * rides along to be appended after the login PATH. Plain sh in single quotes: fish, when
 * it is the account's shell, parses this line too, and reads those quotes as sh does.
 */
export function loginCommand(shell?: string): string {
  const pick = shell
    ? `s=${shq(shell)}; SHELL=$s; export SHELL`
    : `s=\${SHELL:-/bin/sh}; case \${s##*/} in ${LOGIN_SHELLS}) ;; *) s=/bin/sh ;; esac; [ -x "$s" ] || s=/bin/sh`;
  return `sh -c ${shq(`HAPPIER_SSH_PATH=$PATH; export HAPPIER_SSH_PATH; ${pick}; ${LOGIN_SHELL_VAR}=$s; export ${LOGIN_SHELL_VAR}; exec "$s" -l -c "exec sh -s"`)}`;
}

/**
 * The start script, for `sh -s` under the login shell. It starts the agent when it can (an
 * installed happier of this version, or a bundle already on the peer whose sha256 is the
 * one expected, run by node 20+), and otherwise prints one probe line and exits, so the
 * common case costs a single round trip. Commands get stdin from /dev/null: a shell that
 * reads its script a byte at a time would let them eat the rest of it.
 */
export function startScript(version: string, sha256: string, forceBundle: boolean, overrides: MachineOverrides = {}): string {
  const f = `${remoteBundleDir(version)}/${BUNDLE_NAME}`;
  const checks = (Object.keys(overrides) as MachineKey[])
    .filter((k) => overrides[k])
    .map((k) => `[ -x ${shq(overrides[k]!)} ] || bad="$bad,${k}"`);
  const exports = (Object.keys(PROVIDER_BIN_VARS) as (keyof typeof PROVIDER_BIN_VARS)[])
    .filter((k) => overrides[k])
    .map((k) => `${PROVIDER_BIN_VARS[k]}=${shq(overrides[k]!)}; export ${PROVIDER_BIN_VARS[k]}`);
  return [
    `hv=; h=; bad=`,
    // What the ssh session could run stays reachable, after what the login shell chose.
    `p=$PATH; o=\${HAPPIER_SSH_PATH-}`,
    `while [ -n "$o" ]; do d=\${o%%:*}; case $o in *:*) o=\${o#*:} ;; *) o= ;; esac; case ":$p:" in *":$d:"*) ;; *) [ -n "$d" ] && p=\${p:+$p:}$d ;; esac; done`,
    `PATH=$p; export PATH; unset HAPPIER_SSH_PATH p o d`,
    ...checks,
    ...exports,
    // A node set by the user goes first on PATH: `#!/usr/bin/env node` launchers (happier, claude, codex) need it too.
    overrides.node ? `nb=${shq(overrides.node)}; PATH=\${nb%/*}:$PATH` : `nb=$(command -v node 2>/dev/null)`,
    overrides.happier ? `hb=${shq(overrides.happier)}` : `hb=$(command -v happier 2>/dev/null)`,
    forceBundle
      ? ``
      : `if [ -z "$bad" ] && [ -n "$hb" ]; then hv=$("$hb" --version </dev/null 2>/dev/null | head -n 1); [ "$hv" = ${shq(version)} ] && exec "$hb" agent --stdio; fi`,
    `nv=; [ -n "$nb" ] && nv=$("$nb" --version </dev/null 2>/dev/null); m=\${nv#v}; m=\${m%%.*}`,
    `f="${f}"`,
    `if [ -z "$bad" ] && [ -f "$f" ] && [ "$m" -ge ${MIN_NODE_MAJOR} ] 2>/dev/null; then` +
      ` h=$( (sha256sum "$f" || shasum -a 256 "$f") </dev/null 2>/dev/null | cut -c1-64);` +
      ` [ -n "$h" ] || h=$(${shaOf('"$nb"')} "$f" </dev/null 2>/dev/null);` +
      ` [ "$h" = ${shq(sha256)} ] && exec "$nb" "$f" --stdio; fi`,
    `printf '${PROBE_MARK}\\thappier=%s\\tnode=%s\\tbundle=%s\\thappier-bin=%s\\tnode-bin=%s\\tshell=%s\\tbad=%s\\n' "$hv" "$nv" "$h" "$hb" "$nb" "\${${LOGIN_SHELL_VAR}-}" "\${bad#,}"`,
    `exit 0`,
    ``,
  ]
    .filter((l, i, all) => l !== '' || i === all.length - 1)
    .join('\n');
}

/**
 * Writes the bundle under a temporary name, lets the peer hash it, and renames it into
 * place only when the hash is the one expected. `node` is the peer's node as the login
 * probe found it: this plain exec has only the ssh session's PATH.
 */
export async function uploadAgentBundle(conn: SshConnection, bytes: Buffer, sha256: string, version: string, node = 'node'): Promise<void> {
  const dir = remoteBundleDir(version);
  const script = [
    `umask 077`,
    `d="${dir}"`,
    `mkdir -p "$d" || exit 4`,
    `t="$d/.upload-$$"`,
    `cat > "$t" || { rm -f "$t"; exit 4; }`,
    `h=$(${shaOf(shq(node))} "$t")`,
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
    const channel = await conn.exec(loginCommand(opts.overrides?.shell));
    channel.write(startScript(opts.localVersion, bundle?.sha256 ?? 'none', !!opts.forceBundle, opts.overrides));
    const started = await startOrProbe(channel, conn.host.alias);
    if (started.kind === 'agent') return attachAgent(started.channel, started.prefix, conn.host.alias, opts, uploaded, started.stderr, started.closed);
    if (uploaded) {
      throw new HappierError('PEER_INCOMPATIBLE', `the agent uploaded to ${conn.host.alias} does not start`, {
        hint: 'check the peer’s home directory and node installation; set HAPPIER_DEBUG=1 for details',
        details: { reason: 'agent-not-started', probe: started.probe },
      });
    }
    const verdict = probeVerdict(started.probe, {
      host: conn.host.alias,
      machine: opts.machineName ?? conn.host.alias,
      version: opts.localVersion,
      overrides: opts.overrides ?? {},
    });
    if (verdict.kind === 'refuse') throw verdict.error;
    bundle ??= localAgentBundle({});
    await uploadAgentBundle(conn, bundle.bytes, bundle.sha256, opts.localVersion, verdict.node);
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
          hint: `its last words are in the message; run \`happier agent --stdio\` on ${alias} to see them all, or set HAPPIER_DEBUG=1`,
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
        () => reject(new HappierError('PROTOCOL', `the agent on ${alias} did not say hello in time`, { hint: `a login profile that prints or waits for input delays it: \`ssh ${alias} true\` should print nothing; HAPPIER_DEBUG=1 shows more` })),
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
