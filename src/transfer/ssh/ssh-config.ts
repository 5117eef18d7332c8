/**
 * For the ssh2 fallback only (no OpenSSH client, so no `ssh -G`): the part of ssh_config(5)
 * it honours: Host blocks (wildcards, negation), HostName,
 * User, Port, IdentityFile, ProxyJump and Include. As in OpenSSH the first value found for a
 * keyword wins, except IdentityFile, which accumulates. `Match` blocks are not evaluated and
 * never apply. Pure: file reading comes in through `readFile`/`listDir`.
 */
import picomatch from 'picomatch';
import type { SshHost } from './ssh-host.js';
import { parseSshTarget, type SshTarget } from './ssh-target.js';

/** Like SshHost, with each ProxyJump hop resolved, outermost first. */
export interface ResolvedHost extends Omit<SshHost, 'proxyJump' | 'hostKeyAlias'> {
  readonly jumps: readonly ResolvedHost[];
}

export interface SshConfigEnv {
  readonly homeDir: string;
  readonly localUser: string;
  readFile(path: string): string | undefined;
  listDir(path: string): string[];
}

interface Block {
  readonly patterns: readonly string[] | 'match';
  readonly options: [string, string][];
}

export function parseSshConfig(text: string, file: string, env: SshConfigEnv, depth = 0): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'host') {
      blocks.push({ patterns: splitArgs(value), options: [] });
    } else if (key === 'match') {
      blocks.push({ patterns: 'match', options: [] });
    } else if (key === 'include') {
      if (depth > 8) continue;
      const current = blocks[blocks.length - 1]!;
      for (const inc of includedFiles(splitArgs(value), env)) {
        const body = env.readFile(inc);
        if (body === undefined) continue;
        // An included file's Host blocks stay scoped to the block that includes it.
        for (const b of parseSshConfig(body, inc, env, depth + 1)) {
          if (b.patterns === 'match' || current.patterns === 'match') continue;
          blocks.push({ patterns: intersect(current.patterns, b.patterns), options: b.options });
        }
      }
      blocks.push({ patterns: current.patterns, options: [] });
    } else {
      blocks[blocks.length - 1]!.options.push([key, unquote(value)]);
    }
  }
  void file;
  return blocks;
}

/** A Host block inside an Include inside a Host block applies only when both match. */
function intersect(outer: readonly string[], inner: readonly string[]): string[] {
  if (outer.length === 1 && outer[0] === '*') return [...inner];
  return [...inner, ...outer.map((p) => `&${p}`)];
}

function includedFiles(args: string[], env: SshConfigEnv): string[] {
  const files: string[] = [];
  for (let a of args) {
    a = expandTilde(a, env.homeDir);
    if (!a.startsWith('/')) a = `${env.homeDir}/.ssh/${a}`;
    if (!/[*?[]/.test(a)) {
      files.push(a);
      continue;
    }
    const slash = a.lastIndexOf('/');
    const dir = a.slice(0, slash);
    const isMatch = picomatch(a.slice(slash + 1), { dot: false });
    for (const name of env.listDir(dir).sort()) if (isMatch(name)) files.push(`${dir}/${name}`);
  }
  return files;
}

function splitArgs(value: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m; (m = re.exec(value)); ) out.push(m[1] ?? m[2]!);
  return out;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function expandTilde(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? home + p.slice(1) : p;
}

/** ssh_config patterns: `*`, `?`, a leading `!` negates; `&` (ours) means "must also match". */
export function hostMatches(patterns: readonly string[], host: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('&')) {
      if (!hostMatches([p.slice(1)], host)) return false;
      continue;
    }
    const negated = p.startsWith('!');
    if (wildcard(negated ? p.slice(1) : p).test(host)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

function wildcard(p: string): RegExp {
  const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Every option that applies to `host`, first value per keyword (IdentityFile: all of them). */
export function optionsFor(blocks: readonly Block[], host: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const b of blocks) {
    if (b.patterns === 'match' || !hostMatches(b.patterns, host)) continue;
    for (const [k, v] of b.options) {
      const seen = out.get(k);
      if (!seen) out.set(k, [v]);
      else if (k === 'identityfile') seen.push(v);
    }
  }
  return out;
}

export function resolveHost(target: SshTarget, blocks: readonly Block[], env: SshConfigEnv, depth = 0): ResolvedHost {
  const opts = optionsFor(blocks, target.host);
  const first = (k: string) => opts.get(k)?.[0];
  const hostName = substituteHost(first('hostname') ?? target.host, target.host);
  const port = target.port ?? (first('port') ? Number(first('port')) : 22);
  const user = target.user ?? first('user') ?? env.localUser;
  const tokens: Record<string, string> = { d: env.homeDir, u: env.localUser, h: hostName, r: user, p: String(port), n: target.host, '%': '%' };
  const identityFiles = (opts.get('identityfile') ?? [])
    .filter((f) => f.toLowerCase() !== 'none')
    .map((f) => expandTilde(f.replace(/%(.)/g, (all, t: string) => tokens[t] ?? all), env.homeDir));
  const jumpSpec = first('proxyjump');
  const jumps: ResolvedHost[] = [];
  if (jumpSpec && jumpSpec.toLowerCase() !== 'none' && depth < 5) {
    for (const hop of jumpSpec.split(',')) {
      const hopTarget = parseSshTarget(hop);
      const resolved = resolveHost(hopTarget, blocks, env, depth + 1);
      // A hop's own ProxyJump comes before it.
      jumps.push(...resolved.jumps, { ...resolved, jumps: [] });
    }
  }
  return { alias: target.host, hostName, port, user, identityFiles, jumps };
}

/** HostName may itself hold `%h` (the name typed). */
function substituteHost(hostName: string, typed: string): string {
  return hostName.replace(/%h/g, typed).replace(/%%/g, '%');
}

/** Reads the user's ssh config (HAPPIER_SSH_CONFIG, else ~/.ssh/config) and resolves `target`. */
export function resolveSshTarget(targetText: string, env: SshConfigEnv & { configPath: string }): ResolvedHost {
  const text = env.readFile(env.configPath) ?? '';
  return resolveHost(parseSshTarget(targetText), parseSshConfig(text, env.configPath, env), env);
}
