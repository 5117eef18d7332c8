import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoMachines, type TwoMachines } from './two-machines.js';

let m: TwoMachines;
let targetId: string;
let n = 0;
// Doctor asks each provider CLI for its version; the fakes never exit, echo does at once.
const quickDoctor = { HAPPIER_CLAUDE_BIN: '/bin/echo', HAPPIER_CODEX_BIN: '/bin/echo', HAPPIER_OPENCODE_BIN: '/bin/echo' };

beforeAll(async () => {
  m = await twoMachines('happier-handoff-faults-');
  targetId = (await m.json(['machine', 'list'])).body.data.machines.find((x: any) => x.name === 'desk').id;
});

afterAll(async () => {
  await m?.stop();
});

/** A running session with a workspace and a real transcript, ready to be handed off. */
async function runningSession() {
  const cwd = join(m.srcHome, 'code', `fault-${++n}`);
  mkdirSync(join(cwd, 'src'), { recursive: true });
  writeFileSync(join(cwd, 'src', 'main.ts'), 'console.log(1);\n');
  const t = m.claudeTranscript(cwd);
  const s = m.addSession({ cwd, vendorSessionId: t.vendorId });
  const r = await m.run(['resume', s.id, '--detached']);
  expect(r.code, r.stderr).toBe(0);
  return { s, t, cwd };
}

/** After recovery: one owner in both registries, the transcript as it was, nothing staged anywhere. */
async function expectSettled(x: Awaited<ReturnType<typeof runningSession>>, owner: 'source' | 'target') {
  const here = m.sourceSession(x.s.id)!;
  const there = m.targetSessions().find((s: any) => s.id === x.s.id);
  const list = (await m.json(['session', 'list', '--all'])).body.data.sessions.find((s: any) => s.id === x.s.id);
  if (owner === 'source') {
    expect(here.ownerMachineId).not.toBe(targetId);
    expect(here.ownerEpoch).toBe(0);
    expect(there === undefined || there.ownerMachineId !== targetId).toBe(true);
    // It was running before the handoff, so it runs here again.
    expect(list.active).toBe(true);
  } else {
    expect(here).toMatchObject({ ownerMachineId: targetId, ownerEpoch: 1 });
    expect(there).toMatchObject({ ownerMachineId: targetId, ownerEpoch: 1, active: true });
    expect(list.active).toBe(false);
  }
  expect(readFileSync(x.t.path)).toEqual(x.t.bytes);
  expect(m.leftovers()).toEqual([]);
  expect((await m.json(['doctor'], quickDoctor)).body.data.findings.filter((f: any) => f.check === 'handoff' && f.status !== 'ok')).toEqual([]);
}

const SOURCE_STEPS: [string, 'source' | 'target'][] = [
  ['target-prepared', 'source'],
  ['source-quiesced', 'source'],
  ['state-moved', 'source'],
  ['workspace-synced', 'source'],
  ['target-registered', 'target'],
  ['committed', 'target'],
];

describe('a handoff interrupted at every step is finished or undone by the next happier run', () => {
  it.each(SOURCE_STEPS)('the source process dies after %s', async (step, owner) => {
    const x = await runningSession();
    const r = await m.run(['handoff', x.s.id, '--to', 'desk', '--workspace'], { HAPPIER_FAILPOINT: `${step}:exit` });
    expect(r.code).toBe(137);
    const doctor = await m.json(['doctor'], quickDoctor);
    expect(doctor.body.data.findings.find((f: any) => f.check === 'handoff')).toMatchObject({ status: 'warn', fix: expect.stringContaining('happier handoff --recover') });
    const next = await m.run(['session', 'list']);
    expect(next.stderr).toContain(owner === 'source' ? 'undid the interrupted handoff' : 'finished the interrupted handoff');
    await expectSettled(x, owner);
  });

  it('a --dry-run after the crash leaves the interrupted handoff alone; the next real command recovers it', async () => {
    const x = await runningSession();
    expect((await m.run(['handoff', x.s.id, '--to', 'desk', '--workspace'], { HAPPIER_FAILPOINT: 'state-moved:exit' })).code).toBe(137);
    const dry = await m.json(['handoff', x.s.id, '--to', 'desk', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.body.error).toMatchObject({ code: 'CONFLICT', hint: expect.stringContaining('happier handoff --recover') });
    const resumeDry = await m.run(['resume', x.s.id, '--dry-run']);
    expect(resumeDry.stderr).not.toContain('interrupted handoff');
    const doctor = await m.json(['doctor'], quickDoctor);
    expect(doctor.body.data.findings.find((f: any) => f.check === 'handoff')).toMatchObject({ status: 'warn' });
    const next = await m.run(['session', 'list']);
    expect(next.stderr).toContain('undid the interrupted handoff');
    await expectSettled(x, 'source');
  });

  it.each(['target-prepared', 'state-moved', 'workspace-synced'])('the connection is cut after %s: rolled back at once', async (step) => {
    const x = await runningSession();
    const r = await m.json(['handoff', x.s.id, '--to', 'desk', '--workspace'], { HAPPIER_FAILPOINT: `${step}:cut` });
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ rolledBack: true });
    expect(r.body.error.hint).toContain('nothing moved');
    await expectSettled(x, 'source');
  });

  it('the connection is cut after the target registered: the commit still happens and the target is finalized', async () => {
    const x = await runningSession();
    const r = await m.json(['handoff', x.s.id, '--to', 'desk', '--workspace'], { HAPPIER_FAILPOINT: 'target-registered:cut' });
    expect(r.code, r.stderr).toBe(0);
    await m.run(['session', 'list']);
    await expectSettled(x, 'target');
  });

  it.each([
    ['agent-prepare', 'source'],
    ['agent-stage', 'source'],
    ['agent-register', 'source'],
  ] as const)('the target agent dies in %s: rolled back at once', async (point, owner) => {
    const x = await runningSession();
    m.targetFailpoint(`${point}:exit`);
    try {
      const r = await m.json(['handoff', x.s.id, '--to', 'desk', '--workspace']);
      expect(r.code).toBe(1);
    } finally {
      m.targetFailpoint(null);
    }
    await m.run(['session', 'list']);
    await expectSettled(x, owner);
  });

  it('the target agent dies while finalizing: the session has moved, and the next run cleans up', async () => {
    const x = await runningSession();
    m.targetFailpoint('agent-finalize:exit');
    let r;
    try {
      r = await m.json(['handoff', x.s.id, '--to', 'desk', '--workspace']);
    } finally {
      m.targetFailpoint(null);
    }
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data.warnings[0]).toContain('has not cleaned up yet');
    await m.run(['session', 'list']);
    await expectSettled(x, 'target');
  });

  it('the provider fails to resume on the target: PROVIDER_FAILED, the target discards everything, the session runs here again', async () => {
    const x = await runningSession();
    m.targetFakeMode('fail');
    let r;
    try {
      r = await m.json(['handoff', x.s.id, '--to', 'desk', '--workspace']);
    } finally {
      m.targetFakeMode(null);
    }
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'PROVIDER_FAILED', rolledBack: true });
    expect(r.body.error.message).toContain('No conversation found');
    await expectSettled(x, 'source');
    // Nothing of the session stays on the target: no workspace, no transcript.
    const { existsSync, readdirSync } = await import('node:fs');
    const targetCwd = join(m.targetHome, 'code', `fault-${n}`);
    expect(existsSync(targetCwd)).toBe(false);
    const projects = join(m.targetHome, '.claude', 'projects');
    const left = existsSync(projects) ? readdirSync(projects, { recursive: true }).map(String).filter((p) => p.includes(x.t.vendorId)) : [];
    expect(left).toEqual([]);
  });

  it('claude was never set up on the target: PROVIDER_LOGIN from desk, nothing moved, the session runs here again', async () => {
    const x = await runningSession();
    const { readFileSync, renameSync } = await import('node:fs');
    const config = join(m.targetHome, '.claude.json');
    const kept = readFileSync(config, 'utf8');
    renameSync(config, `${config}.away`);
    let r;
    try {
      r = await m.json(['handoff', x.s.id, '--to', 'desk']);
    } finally {
      renameSync(`${config}.away`, config);
    }
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'PROVIDER_LOGIN', remote: true, rolledBack: true });
    expect(r.body.error.message).toBe('claude has not been set up on this machine (its first-run set-up was never finished)');
    expect(r.body.error.hint).toContain('run `claude` once to log in');
    expect(readFileSync(config, 'utf8')).toBe(kept);
    await expectSettled(x, 'source');
  });

  it('with the target unreachable, the interrupted handoff waits (the session stays here), and --recover undoes it later', async () => {
    const x = await runningSession();
    const r = await m.run(['handoff', x.s.id, '--to', 'desk', '--workspace'], { HAPPIER_FAILPOINT: 'state-moved:exit' });
    expect(r.code).toBe(137);
    const { openRegistry } = await import('../../../src/store/registry.js');
    const { MachinesRepo } = await import('../../../src/store/machines-repo.js');
    const setTarget = (sshTarget: string) => {
      const reg = openRegistry(m.env.HAPPIER_HOME!);
      const repo = new MachinesRepo(reg);
      repo.upsert({ ...repo.get(targetId)!, sshTarget });
      reg.close();
    };
    setTarget('nobody@127.0.0.1:1');
    try {
      const first = await m.run(['session', 'list']);
      expect(first.stderr).toContain('could not recover the interrupted handoff');
      const t0 = Date.now();
      const second = await m.run(['session', 'list']);
      expect(second.stderr).not.toContain('interrupted handoff');
      expect(Date.now() - t0).toBeLessThan(2_500);
      expect(m.sourceSession(x.s.id)).toMatchObject({ ownerEpoch: 0 });
    } finally {
      setTarget('desk');
    }
    const finding = (await m.json(['doctor'], quickDoctor)).body.data.findings.find((f: any) => f.check === 'handoff');
    const journalId = /--recover ([0-9a-f-]{36})/.exec(finding.fix)![1]!;
    const recovered = await m.json(['handoff', '--recover', journalId]);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.body.data.recovered).toMatchObject({ result: 'undone', handoffId: journalId });
    await expectSettled(x, 'source');
  });
});
