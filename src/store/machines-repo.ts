import { HappierError } from '../domain/errors.js';
import { MACHINE_KEYS, MACHINE_TOOLS, type Machine, type MachineEnvironment, type MachineKey, type MachineOverrides } from '../domain/machine.js';
import type { Registry } from './registry.js';

interface MachineRow {
  id: string;
  name: string;
  ssh_target: string | null;
  identity_file: string | null;
  is_self: number;
  created_at: string;
  environment: string | null;
  overrides: string | null;
}

function fromRow(r: MachineRow): Machine {
  return {
    id: r.id,
    name: r.name,
    sshTarget: r.ssh_target,
    identityFile: r.identity_file,
    isSelf: r.is_self !== 0,
    createdAt: r.created_at,
    environment: environmentOf(r.environment),
    overrides: overridesOf(r.overrides),
  };
}

/** A column written by another version may be partial; what does not fit reads as unknown. */
function environmentOf(text: string | null): MachineEnvironment | null {
  const raw = parseObject(text);
  if (!raw) return null;
  const paths = (raw.paths && typeof raw.paths === 'object' ? raw.paths : {}) as Record<string, unknown>;
  return {
    shell: typeof raw.shell === 'string' ? raw.shell : null,
    paths: Object.fromEntries(MACHINE_TOOLS.map((t) => [t, typeof paths[t] === 'string' ? paths[t] : null])) as MachineEnvironment['paths'],
    providerEnv: Array.isArray(raw.providerEnv) ? raw.providerEnv.filter((n): n is string => typeof n === 'string') : [],
    probedAt: typeof raw.probedAt === 'string' ? raw.probedAt : '',
  };
}

function overridesOf(text: string | null): MachineOverrides {
  const raw = parseObject(text) ?? {};
  return Object.fromEntries(MACHINE_KEYS.filter((k) => typeof raw[k] === 'string' && raw[k]).map((k) => [k, raw[k] as string]));
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class MachinesRepo {
  constructor(private readonly reg: Registry) {}

  list(): Machine[] {
    return (this.reg.db.prepare('SELECT * FROM machines ORDER BY is_self DESC, name').all() as MachineRow[]).map(fromRow);
  }

  self(): Machine {
    const row = this.reg.db.prepare('SELECT * FROM machines WHERE id = ?').get(this.reg.machineId) as MachineRow;
    return fromRow(row);
  }

  get(id: string): Machine | undefined {
    const row = this.reg.db.prepare('SELECT * FROM machines WHERE id = ?').get(id) as MachineRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  byName(name: string): Machine | undefined {
    const row = this.reg.db.prepare('SELECT * FROM machines WHERE name = ?').get(name) as MachineRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Names of every machine by id, for labelling owners in lists. */
  /** Peers with an ssh target: the machines a command here can reach without a server. */
  sshReachableIds(): Set<string> {
    const rows = this.reg.db.prepare("SELECT id FROM machines WHERE is_self = 0 AND ssh_target IS NOT NULL AND ssh_target != ''").all() as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  names(): Map<string, string> {
    const rows = this.reg.db.prepare('SELECT id, name FROM machines').all() as { id: string; name: string }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  upsert(m: Machine): void {
    this.reg.write(() => {
      const clash = this.byName(m.name);
      if (clash && clash.id !== m.id) {
        throw new HappierError('CONFLICT', `a machine named ${m.name} already exists`, {
          hint: `remove it first with \`happier machine rm ${m.name}\`, or pick another name`,
        });
      }
      this.reg.db
        .prepare(
          `INSERT INTO machines (id, name, ssh_target, identity_file, is_self, created_at)
           VALUES (@id, @name, @ssh_target, @identity_file, @is_self, @created_at)
           ON CONFLICT(id) DO UPDATE SET name=excluded.name, ssh_target=excluded.ssh_target,
             identity_file=excluded.identity_file`,
        )
        .run({
          id: m.id,
          name: m.name,
          ssh_target: m.sshTarget,
          identity_file: m.identityFile,
          is_self: m.isSelf ? 1 : 0,
          created_at: m.createdAt,
        });
    });
  }

  /** Keeps the latest probe of a peer's login environment. */
  recordEnvironment(id: string, environment: MachineEnvironment): void {
    this.reg.db.prepare('UPDATE machines SET environment = ? WHERE id = ?').run(JSON.stringify(environment), id);
  }

  /** Sets (or, with null, clears) one override and returns them all. */
  setOverride(id: string, key: MachineKey, value: string | null): MachineOverrides {
    return this.reg.write(() => {
      const m = this.get(id);
      if (!m) throw new HappierError('MACHINE_UNKNOWN', `no machine with id ${id}`, { hint: 'see `happier machine list`' });
      const next: Partial<Record<MachineKey, string>> = { ...m.overrides };
      if (value === null) delete next[key];
      else next[key] = value;
      this.reg.db.prepare('UPDATE machines SET overrides = ? WHERE id = ?').run(Object.keys(next).length ? JSON.stringify(next) : null, id);
      return next;
    });
  }

  remove(id: string): boolean {
    return this.reg.db.prepare('DELETE FROM machines WHERE id = ? AND is_self = 0').run(id).changes > 0;
  }
}
