import { HappierError } from '../domain/errors.js';
import type { Machine } from '../domain/machine.js';
import type { Registry } from './registry.js';

interface MachineRow {
  id: string;
  name: string;
  ssh_target: string | null;
  identity_file: string | null;
  is_self: number;
  created_at: string;
}

function fromRow(r: MachineRow): Machine {
  return {
    id: r.id,
    name: r.name,
    sshTarget: r.ssh_target,
    identityFile: r.identity_file,
    isSelf: r.is_self !== 0,
    createdAt: r.created_at,
  };
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

  remove(id: string): boolean {
    return this.reg.db.prepare('DELETE FROM machines WHERE id = ? AND is_self = 0').run(id).changes > 0;
  }
}
