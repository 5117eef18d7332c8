import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/store/registry.js';
import { SessionsRepo } from '../../src/store/sessions-repo.js';
import { makeSession } from '../helpers/session-factory.js';
import { tempDir } from '../helpers/temp-dir.js';

const WRITER = fileURLToPath(new URL('./fixtures/registry-writer.mjs', import.meta.url));
const dir = tempDir();
afterAll(() => dir.cleanup());

function runWriter(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('registry shared by several processes', () => {
  it('loses no insert and no read-modify-write update when 8 processes write at once', async () => {
    const reg = openRegistry(dir.path);
    const shared = new SessionsRepo(reg).insert(makeSession({ title: 'shared', ownerEpoch: 0 }));
    reg.close();

    const WORKERS = 8;
    const EACH = 60;
    const results = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) => runWriter([dir.path, String(w), String(EACH), shared.id])),
    );
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    const check = openRegistry(dir.path);
    const repo = new SessionsRepo(check);
    const all = repo.list({ archived: 'all' });
    expect(all).toHaveLength(WORKERS * EACH + 1);
    const after = repo.get(shared.id)!;
    expect(after.ownerEpoch).toBe(WORKERS * EACH);
    for (let w = 0; w < WORKERS; w++) {
      for (let i = 0; i < EACH; i++) expect(after.title).toContain(` w${w}.${i}`);
    }
    check.close();
  });
});
