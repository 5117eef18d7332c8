import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../helpers/sync-server.js';
import { twoMachines, type TwoMachines } from './two-machines.js';

let m: TwoMachines;
let server: RunningServer;

beforeAll(async () => {
  m = await twoMachines('happier-handoff-server-');
  server = await startServer(join(m.dir, 'server'));
  const c = await m.json(['server', 'connect', server.url, '--name', 'laptop', '--no-daemon']);
  expect(c.code, c.stderr).toBe(0);
});

afterAll(async () => {
  await server?.stop();
  await m?.stop();
});

function project(name: string) {
  const cwd = join(m.srcHome, 'code', name);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'a.txt'), 'a\n');
  const t = m.claudeTranscript(cwd);
  return m.addSession({ cwd, vendorSessionId: t.vendorId });
}

describe('handoff with a sync server: ownership moves by compare-and-swap on the epoch', () => {
  it('rolls back when the server refuses the swap, then commits through it once the target joined the account', async () => {
    const s = project('fenced');
    const refused = await m.json(['handoff', s.id, '--to', 'desk', '--workspace']);
    expect(refused.code).toBe(1);
    expect(refused.body.error).toMatchObject({ code: 'MACHINE_UNKNOWN', rolledBack: true });
    expect(m.sourceSession(s.id)).toMatchObject({ ownerEpoch: 0 });
    expect(m.targetSessions().find((x: any) => x.id === s.id)).toBeUndefined();
    expect(m.leftovers()).toEqual([]);

    const link = await m.json(['server', 'link']);
    const joined = m.onTarget(['server', 'connect', server.url, '--link', link.body.data.code, '--name', 'desk', '--no-daemon']);
    expect(joined.code, joined.stderr).toBe(0);

    const ok = await m.json(['handoff', s.id, '--to', 'desk', '--workspace']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(m.sourceSession(s.id)).toMatchObject({ ownerEpoch: 1 });
    expect(m.targetSessions().find((x: any) => x.id === s.id)).toMatchObject({ ownerEpoch: 1, active: true });
    // A stale copy of the old epoch can no longer win: the server answers for the target.
    // Resume is desk's to do now: from a script (no terminal for ssh -t) it says so and starts nothing here.
    const again = await m.json(['resume', s.id]);
    expect(again.body.error.code).toBe('NOT_ATTACHABLE');
    expect(again.body.error.message).toContain('owned by desk');
    expect(m.sourceSession(s.id)).toMatchObject({ ownerEpoch: 1 });
  });
});
