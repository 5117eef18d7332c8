import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir();
const home = join(dir.path, 'happier');

beforeAll(() => {
  // Enough rows that the list outgrows a pipe's buffer, so it is still writing when the reader goes.
  const reg = openRegistry(home, { machineName: 'laptop' });
  const repo = new SessionsRepo(reg);
  reg.write(() => {
    for (let i = 0; i < 3000; i++) repo.insert(makeSession({ ownerMachineId: reg.machineId, title: `session ${i}` }));
  });
  reg.close();
});
afterAll(() => dir.cleanup());

/** Runs the built binary into a pipe whose reader leaves after the first chunk, as `| head -1` does. */
function readFirstChunkThenClose(args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAPPIER_BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: dir.path, HAPPIER_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let first = '';
    let stderr = '';
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, first, stderr }));
  });
}

describe('session list into a pipe closed early', () => {
  for (const args of [['session', 'list'], ['session', 'list', '--json'], ['session', 'list', '--plain']]) {
    it(`${args.join(' ')} stops quietly with status 0`, async () => {
      const r = await readFirstChunkThenClose(args);
      expect(r.first.length).toBeGreaterThan(0);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});
