import { HappierError } from './errors.js';

/** Programs happier runs on a peer, each found on its login PATH or set by the user. */
export const MACHINE_TOOLS = ['node', 'happier', 'tmux', 'claude', 'codex', 'opencode'] as const;
export type MachineTool = (typeof MACHINE_TOOLS)[number];

/** What `happier machine set <name> <key>` accepts: a tool's path, or the login shell. */
export const MACHINE_KEYS = [...MACHINE_TOOLS, 'shell'] as const;
export type MachineKey = (typeof MACHINE_KEYS)[number];

export type MachineOverrides = Readonly<Partial<Record<MachineKey, string>>>;

/** What the peer's login shell gave the agent, as last seen. Variable names only, never values. */
export interface MachineEnvironment {
  /** The login shell the agent was started through. */
  readonly shell: string | null;
  /** Absolute paths, null where the tool was not found. */
  readonly paths: Readonly<Record<MachineTool, string | null>>;
  /** Names of the provider-related variables the login shell exports (ANTHROPIC_API_KEY, HTTPS_PROXY, …). */
  readonly providerEnv: readonly string[];
  readonly probedAt: string;
}

export interface Machine {
  readonly id: string;
  readonly name: string;
  /** `user@host`, `host`, or a Host alias from ~/.ssh/config; null for this machine. */
  readonly sshTarget: string | null;
  readonly identityFile: string | null;
  readonly isSelf: boolean;
  readonly createdAt: string;
  /** The last probe of the peer's login environment; null before the first. */
  readonly environment?: MachineEnvironment | null;
  /** Paths the user set because the probe could not find them; they win over the probe. */
  readonly overrides?: MachineOverrides;
}

export interface EffectivePath {
  readonly key: MachineKey;
  readonly path: string | null;
  readonly source: 'set' | 'probed' | null;
}

/** One row per key: the override when there is one, else what the probe found. */
export function effectivePaths(environment: MachineEnvironment | null | undefined, overrides: MachineOverrides = {}): EffectivePath[] {
  return MACHINE_KEYS.map((key) => {
    const set = overrides[key];
    if (set) return { key, path: set, source: 'set' as const };
    const probed = key === 'shell' ? environment?.shell : environment?.paths[key];
    return probed ? { key, path: probed, source: 'probed' as const } : { key, path: null, source: null };
  });
}

export function parseMachineKey(key: string): MachineKey {
  if ((MACHINE_KEYS as readonly string[]).includes(key)) return key as MachineKey;
  throw new HappierError('USAGE', `unknown machine key ${JSON.stringify(key)}`, {
    hint: `use one of: ${MACHINE_KEYS.join(', ')}`,
    details: { allowed: [...MACHINE_KEYS] },
  });
}

/**
 * An override is a path on the peer, spliced into the start script there, so it must be
 * absolute and one plain line. No quote or backslash either: the shell is quoted twice on
 * the ssh command line, and fish (as the account's shell) reads a backslash inside single
 * quotes differently from sh.
 */
export function checkOverridePath(machine: string, key: MachineKey, value: string): string {
  if (!value.startsWith('/') || /[\0\n\r'\\]/.test(value)) {
    throw new HappierError('USAGE', `${key} for ${machine} must be a plain absolute path on ${machine}, not ${JSON.stringify(value)}`, {
      hint: `e.g. \`happier machine set ${machine} ${key} /usr/local/bin/${key === 'shell' ? 'zsh' : key}\`, or --unset to clear it`,
    });
  }
  return value;
}

/** `machine add --set key=path`, each checked as `machine set` checks it. */
export function parseOverrideSpecs(machine: string, specs: readonly string[]): MachineOverrides {
  const out: Partial<Record<MachineKey, string>> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new HappierError('USAGE', `--set wants key=path, not ${JSON.stringify(spec)}`, { hint: `e.g. --set node=/opt/node/bin/node; keys: ${MACHINE_KEYS.join(', ')}` });
    }
    const key = parseMachineKey(spec.slice(0, eq));
    out[key] = checkOverridePath(machine, key, spec.slice(eq + 1));
  }
  return out;
}

const MACHINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function isValidMachineName(name: string): boolean {
  return MACHINE_NAME.test(name);
}
