/**
 * What happier runs on a peer, for `machine list`, `ping` and `add`: one line per tool
 * found or set, one for what is missing, one for the provider variables' names. Pure.
 */
import { effectivePaths, MACHINE_TOOLS, type MachineEnvironment, type MachineKey, type MachineOverrides } from '../../domain/machine.js';
import { truncateEnd, truncateStart } from '../../domain/text-width.js';

export interface PathsJson {
  readonly [key: string]: { readonly path: string | null; readonly source: 'set' | 'probed' | null };
}

/** Every key with the path happier uses and where it comes from. */
export function pathsJson(environment: MachineEnvironment | null | undefined, overrides: MachineOverrides | undefined): PathsJson {
  return Object.fromEntries(effectivePaths(environment, overrides).map((p) => [p.key, { path: p.path, source: p.source }]));
}

const INDENT = '  ';
const LABEL = 10;

/**
 * The block under a machine's name. `stale` says the peer did not answer now, so these
 * are from the last time it did. `width` null means no limit.
 */
export function machinePathLines(
  name: string,
  environment: MachineEnvironment | null | undefined,
  overrides: MachineOverrides | undefined,
  opts: { readonly stale: boolean; readonly width: number | null },
): string[] {
  if (!environment && !Object.keys(overrides ?? {}).length) return [];
  const rows = effectivePaths(environment, overrides);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const shell = byKey.get('shell')!;
  const head = [
    shell.path ? `login shell ${shell.path}${shell.source === 'set' ? ' (set)' : ''}` : 'login shell unknown',
    ...(opts.stale && environment?.probedAt ? [`as last seen ${environment.probedAt.slice(0, 16).replace('T', ' ')}`] : []),
  ].join(', ');
  const fit = (label: string, text: string, cut: (t: string, w: number) => string) => {
    const prefix = INDENT + label.padEnd(LABEL);
    return prefix + (opts.width === null ? text : cut(text, Math.max(8, opts.width - prefix.length)));
  };
  const lines = [opts.width === null ? `${name}: ${head}` : truncateEnd(`${name}: ${head}`, opts.width)];
  const missing: MachineKey[] = [];
  for (const tool of MACHINE_TOOLS) {
    const r = byKey.get(tool)!;
    if (!r.path) missing.push(tool);
    else lines.push(fit(tool, r.source === 'set' ? `${r.path} (set)` : r.path, truncateStart));
  }
  if (missing.length) lines.push(fit('missing', missing.join(', '), truncateEnd));
  if (environment) lines.push(fit('env', environment.providerEnv.length ? environment.providerEnv.join(', ') : 'no provider variables', truncateEnd));
  return lines;
}
