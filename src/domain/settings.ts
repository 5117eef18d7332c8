import { AGENTS, CODEX_PATHS, type Agent, type CodexPath } from './agent.js';
import { HappierError } from './errors.js';

export type ConflictPolicy = 'sibling' | 'replace';
export type IgnoredMode = 'exclude' | 'include-selected';
export type DirectMode = 'keep' | 'convert';

export interface BackendSettings {
  readonly enabled: boolean;
  readonly resume: boolean;
}

export interface Settings {
  readonly backends: Record<Agent, BackendSettings> & { readonly codex: BackendSettings & { readonly path: CodexPath } };
  readonly handoff: {
    readonly workspace: boolean;
    readonly conflict: ConflictPolicy;
    readonly ignored: IgnoredMode;
    readonly include: readonly string[];
    readonly directMode: DirectMode;
    readonly codexExperimental: boolean;
  };
}

export type SettingValue = boolean | string | readonly string[];

interface KeySpec {
  readonly key: string;
  readonly kind: 'boolean' | 'enum' | 'list';
  readonly values?: readonly string[];
  readonly default: SettingValue;
  readonly description: string;
}

const backendKeys = AGENTS.flatMap((agent): KeySpec[] => [
  { key: `backends.${agent}.enabled`, kind: 'boolean', default: true, description: `use ${agent} at all` },
  { key: `backends.${agent}.resume`, kind: 'boolean', default: true, description: `allow resuming ${agent} sessions` },
]);

export const SETTING_KEYS: readonly KeySpec[] = [
  ...backendKeys,
  {
    key: 'backends.codex.path',
    kind: 'enum',
    values: CODEX_PATHS,
    default: 'app-server',
    description: 'how happier drives Codex; mcp cannot resume',
  },
  { key: 'handoff.workspace', kind: 'boolean', default: false, description: 'move the workspace with a handoff' },
  {
    key: 'handoff.conflict',
    kind: 'enum',
    values: ['sibling', 'replace'],
    default: 'sibling',
    description: 'what to do when the target path exists',
  },
  {
    key: 'handoff.ignored',
    kind: 'enum',
    values: ['exclude', 'include-selected'],
    default: 'exclude',
    description: 'git-ignored files: leave out, or bring back handoff.include',
  },
  { key: 'handoff.include', kind: 'list', default: [], description: 'globs of ignored files to bring along' },
  {
    key: 'handoff.directMode',
    kind: 'enum',
    values: ['keep', 'convert'],
    default: 'keep',
    description: 'direct sessions: move as-is, or make a synced session on the target',
  },
  {
    key: 'handoff.codexExperimental',
    kind: 'boolean',
    default: false,
    description: 'allow handing off Codex sessions (experimental)',
  },
];

const SPEC_BY_KEY = new Map(SETTING_KEYS.map((s) => [s.key, s]));

export function settingSpec(key: string): KeySpec {
  const spec = SPEC_BY_KEY.get(key);
  if (!spec) {
    throw new HappierError('USAGE', `unknown setting: ${key}`, {
      hint: `the keys are ${SETTING_KEYS.map((s) => s.key).join(', ')}; \`happier settings list\` shows their values`,
      details: { keys: SETTING_KEYS.map((s) => s.key) },
    });
  }
  return spec;
}

/** What `key` accepts, with a command that sets it. */
function allowedHint(spec: KeySpec): string {
  const set = (v: string) => `\`happier settings set ${spec.key} ${v}\``;
  switch (spec.kind) {
    case 'boolean':
      return `allowed: true or false (or on/off, yes/no, 1/0), e.g. ${set(String(!spec.default))}`;
    case 'enum':
      return `allowed: ${spec.values!.join(', ')}, e.g. ${set(spec.values!.find((v) => v !== spec.default) ?? spec.values![0]!)}`;
    case 'list':
      return `allowed: globs separated by commas, or a JSON array of strings, e.g. ${set("'dist/**,.env.local'")}`;
  }
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

/** Turns what a user typed on the command line into a checked value for `key`. */
export function parseSettingValue(key: string, raw: string): SettingValue {
  const spec = settingSpec(key);
  const text = raw.trim();
  switch (spec.kind) {
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE_WORDS.has(lower)) return true;
      if (FALSE_WORDS.has(lower)) return false;
      throw new HappierError('USAGE', `${key} takes true or false, not "${raw}"`, { hint: allowedHint(spec), details: { allowed: ['true', 'false'] } });
    }
    case 'enum': {
      if (spec.values!.includes(text)) return text;
      throw new HappierError('USAGE', `${key} takes one of ${spec.values!.join(', ')}, not "${raw}"`, { hint: allowedHint(spec), details: { allowed: spec.values } });
    }
    case 'list': {
      if (text.startsWith('[')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new HappierError('USAGE', `${key}: "${raw}" is not a JSON array`, { hint: allowedHint(spec) });
        }
        return validateSettingValue(key, parsed);
      }
      return text === '' ? [] : text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    }
  }
}

/** Checks a stored value (JSON) against the key's type; used when reading the registry too. */
export function validateSettingValue(key: string, value: unknown): SettingValue {
  const spec = settingSpec(key);
  const bad = (): never => {
    throw new HappierError('USAGE', `${key} has an invalid value: ${JSON.stringify(value)}`, { hint: allowedHint(spec) });
  };
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? value : bad();
    case 'enum':
      return typeof value === 'string' && spec.values!.includes(value) ? value : bad();
    case 'list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? (value as string[]) : bad();
  }
}

/**
 * Builds the typed settings from what is stored. A stored value that no longer
 * validates (say, written by another version) falls back to the default rather than
 * stopping every command.
 */
export function resolveSettings(stored: ReadonlyMap<string, unknown>): Settings {
  const get = (key: string): SettingValue => {
    const spec = settingSpec(key);
    if (!stored.has(key)) return spec.default;
    try {
      return validateSettingValue(key, stored.get(key));
    } catch {
      return spec.default;
    }
  };
  const bool = (key: string) => get(key) as boolean;
  const backend = (agent: Agent): BackendSettings => ({
    enabled: bool(`backends.${agent}.enabled`),
    resume: bool(`backends.${agent}.resume`),
  });
  return {
    backends: {
      claude: backend('claude'),
      opencode: backend('opencode'),
      codex: { ...backend('codex'), path: get('backends.codex.path') as CodexPath },
    },
    handoff: {
      workspace: bool('handoff.workspace'),
      conflict: get('handoff.conflict') as ConflictPolicy,
      ignored: get('handoff.ignored') as IgnoredMode,
      include: get('handoff.include') as string[],
      directMode: get('handoff.directMode') as DirectMode,
      codexExperimental: bool('handoff.codexExperimental'),
    },
  };
}

export const DEFAULT_SETTINGS: Settings = resolveSettings(new Map());

export function formatSettingValue(value: SettingValue): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
