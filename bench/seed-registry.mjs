// A registry of `count` realistic sessions in `home`, written in one transaction, for the
// benchmarks that list or browse many sessions.
import { randomUUID } from 'node:crypto';
import { AGENTS } from '../dist/src/domain/agent.js';
import { openRegistry } from '../dist/src/store/registry.js';

export function seedRegistry(home, count) {
  const reg = openRegistry(home, { machineName: 'bench' });
  const insert = reg.db.prepare(
    `INSERT INTO sessions (id, agent, backend, vendor_session_id, title, cwd, owner_machine_id, owner_epoch,
       archived, created_at, updated_at, last_activity_at, terminal) VALUES (?,?,?,?,?,?,?,0,0,?,?,?,NULL)`,
  );
  const base = Date.parse('2026-01-01T00:00:00Z');
  reg.write(() => {
    for (let i = 0; i < count; i++) {
      const at = new Date(base + i * 60_000).toISOString();
      const agent = AGENTS[i % 3];
      insert.run(randomUUID(), agent, agent === 'codex' ? 'app-server' : 'cli', i % 7 ? randomUUID() : null,
        `session ${i}: refactor module ${i % 97} and fix the tests`, `/home/dev/projects/repo-${i % 53}/packages/p${i % 11}`,
        reg.machineId, at, at, at);
    }
  });
  reg.close();
}
