/**
 * The start script's fallback line (see agent-launch.ts), and what to do about it: upload
 * the bundle for the peer's node, or refuse with what to fix. Pure.
 */
import { HappierError } from '../../domain/errors.js';
import { MACHINE_KEYS, type MachineKey, type MachineOverrides } from '../../domain/machine.js';

export const MIN_NODE_MAJOR = 20;
export const PROBE_MARK = 'HAPPIER-PROBE';

export interface PeerProbe {
  readonly happierVersion: string | null;
  readonly nodeVersion: string | null;
  readonly bundleSha256: string | null;
  /** Absolute paths found on the login PATH (or set), null where none. */
  readonly happierPath: string | null;
  readonly nodePath: string | null;
  /** The login shell the script ran under. */
  readonly shell: string | null;
  /** Overridden keys whose path is not executable on the peer. */
  readonly unusable: readonly MachineKey[];
}

/** The probe line's tab-separated `key=value` fields (values may hold spaces). */
export function parseProbe(line: string): PeerProbe {
  const fields = new Map<string, string>();
  for (const part of line.split('\t')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1));
  }
  const field = (k: string) => fields.get(k)?.trim() || null;
  return {
    happierVersion: field('happier'),
    nodeVersion: field('node'),
    bundleSha256: field('bundle'),
    happierPath: field('happier-bin'),
    nodePath: field('node-bin'),
    shell: field('shell'),
    unusable: (field('bad') ?? '').split(',').filter((k): k is MachineKey => (MACHINE_KEYS as readonly string[]).includes(k)),
  };
}

export function nodeMajor(version: string | null): number | null {
  const m = /^v?(\d+)\./.exec(version ?? '');
  return m ? Number(m[1]) : null;
}

export interface ProbeContext {
  /** The host as the user named it, for messages. */
  readonly host: string;
  /** The machine's name in happier, for `happier machine set` hints. */
  readonly machine: string;
  readonly version: string;
  readonly overrides: MachineOverrides;
}

export type ProbeVerdict = { readonly kind: 'upload'; readonly node: string } | { readonly kind: 'refuse'; readonly error: HappierError };

export function probeVerdict(probe: PeerProbe, c: ProbeContext): ProbeVerdict {
  const refuse = (error: HappierError): ProbeVerdict => ({ kind: 'refuse', error });
  if (probe.unusable.length) {
    const what = probe.unusable.map((k) => `${k} ${c.overrides[k] ?? '?'}`).join(', ');
    const k = probe.unusable[0]!;
    return refuse(
      new HappierError('PEER_INCOMPATIBLE', `what is set for ${c.machine} is not executable on ${c.host}: ${what}`, {
        hint: `fix it with \`happier machine set ${c.machine} ${k} <path>\`, or clear it with \`happier machine set ${c.machine} ${k} --unset\``,
        details: { reason: 'override-unusable', keys: probe.unusable, fixKey: k },
      }),
    );
  }
  const where = `its login PATH (${probe.shell ?? 'sh'} -l)`;
  const pointAtNode = `or tell happier where node is: \`happier machine set ${c.machine} node /path/to/node\``;
  const major = nodeMajor(probe.nodeVersion);
  if (major === null || !probe.nodePath) {
    const other = probe.happierVersion ? `happier ${probe.happierVersion} (not ${c.version})` : `happier ${c.version}`;
    return refuse(
      new HappierError('PEER_INCOMPATIBLE', `${c.host} has neither ${other} nor node on ${where}`, {
        hint: `install Node ${MIN_NODE_MAJOR} or newer (or happier ${c.version}) on ${c.host}, ${pointAtNode}`,
        details: { reason: 'node-missing', shell: probe.shell, happierPath: probe.happierPath, fixKey: 'node' },
      }),
    );
  }
  if (major < MIN_NODE_MAJOR) {
    return refuse(
      new HappierError('PEER_INCOMPATIBLE', `node ${probe.nodeVersion} (${probe.nodePath}) on ${c.host} is too old: the agent needs Node ${MIN_NODE_MAJOR} or newer`, {
        hint: `upgrade node on ${c.host} or install happier ${c.version} there, ${pointAtNode}`,
        details: { reason: 'node-too-old', nodeVersion: probe.nodeVersion, nodePath: probe.nodePath, fixKey: 'node' },
      }),
    );
  }
  return { kind: 'upload', node: probe.nodePath };
}
