/**
 * What OpenSSH says a target means (`ssh -G` output), and the small config happier puts in
 * front of the user's to hold its own policy on every hop, jump hosts included: OpenSSH
 * hands `-F` (not `-o`) on to the `ssh -W` it runs for ProxyJump. Pure.
 */
import { HappierError } from '../../domain/errors.js';
import type { SshHost } from './ssh-host.js';

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

export interface OpenSshSettings extends SshHost {
  readonly strictHostKeyChecking: StrictHostKeyChecking;
  readonly userKnownHostsFiles: readonly string[];
}

/** `ssh -G` prints one `keyword value` a line, lower-case keywords, repeated for lists. */
export function parseSshG(output: string, alias: string): OpenSshSettings {
  const all = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    all.set(key, [...(all.get(key) ?? []), m[2]!]);
  }
  const one = (k: string) => all.get(k)?.[0];
  const jump = one('proxyjump');
  const alias_ = one('hostkeyalias');
  return {
    alias,
    hostName: one('hostname') ?? alias,
    port: Number(one('port') ?? 22),
    user: one('user') ?? '',
    identityFiles: all.get('identityfile') ?? [],
    proxyJump: jump && jump !== 'none' ? jump.split(',') : [],
    hostKeyAlias: alias_ && alias_ !== 'none' ? alias_ : null,
    strictHostKeyChecking: strictOf(one('stricthostkeychecking')),
    userKnownHostsFiles: (one('userknownhostsfile') ?? '').split(/\s+/).filter(Boolean),
  };
}

function strictOf(v: string | undefined): StrictHostKeyChecking {
  if (v === 'true' || v === 'yes') return 'yes';
  if (v === 'false' || v === 'no' || v === 'off') return 'no';
  if (v === 'accept-new') return 'accept-new';
  return 'ask';
}

/**
 * An unknown key is accepted only when asked (`--accept-new-host-key`) or when the user's
 * own config says accept-new; `no` and `ask` mean refuse here, as nobody can answer.
 * A changed key is refused either way: OpenSSH never takes one under yes or accept-new.
 */
export function hostKeyPolicy(acceptNewHostKey: boolean, configured: StrictHostKeyChecking): 'yes' | 'accept-new' {
  return acceptNewHostKey || configured === 'accept-new' ? 'accept-new' : 'yes';
}

export interface OverlayOptions {
  readonly strictHostKeyChecking: 'yes' | 'accept-new';
  /** HAPPIER_KNOWN_HOSTS, else null: then the user's config decides. */
  readonly knownHostsFile: string | null;
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  /** The user's config files, in OpenSSH's order. */
  readonly includes: readonly string[];
}

/** First value wins in ssh_config, so these lines, before the Includes, beat the user's. */
export function overlayConfig(o: OverlayOptions): string {
  return [
    '# written by happier for one connection; removed once it is up',
    'BatchMode yes',
    `StrictHostKeyChecking ${o.strictHostKeyChecking}`,
    ...(o.knownHostsFile ? [`UserKnownHostsFile ${configWord(escapePercent(o.knownHostsFile))}`] : []),
    `ConnectTimeout ${Math.max(1, Math.ceil(o.connectTimeoutMs / 1000))}`,
    `ServerAliveInterval ${Math.max(1, Math.ceil(o.keepaliveIntervalMs / 1000))}`,
    'ServerAliveCountMax 3',
    ...o.includes.map((f) => `Include ${configWord(f)}`),
    '',
  ].join('\n');
}

/** OpenSSH expands `%` tokens in paths such as UserKnownHostsFile, IdentityFile and ControlPath. */
export function escapePercent(path: string): string {
  return path.replace(/%/g, '%%');
}

function configWord(s: string): string {
  if (s.includes('"')) {
    throw new HappierError('USAGE', `an ssh config cannot name the path ${s}: it holds a double quote`, { hint: 'rename the file or pick another path' });
  }
  return /[\s#]/.test(s) ? `"${s}"` : s;
}
