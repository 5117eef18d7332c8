/**
 * A session handed off to desk, reached from the laptop: attach and resume run the same
 * command there over the system ssh with the terminal passed through, and a send goes
 * through sshd to desk's happier. sshd stops in the last test, for MACHINE_OFFLINE.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { openRegistry } from '../../../src/store/registry.js';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { sendOverSsh } from '../../../src/cli/send-over-ssh.js';
import { HappierError } from '../../../src/domain/errors.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { startPane } from '../../helpers/tmux-pane.js';
import { twoMachines, type TwoMachines } from './two-machines.js';

let m: TwoMachines;
let id: string;
let targetCwd: string;
let vendorId: string;

beforeAll(async () => {
  m = await twoMachines('happier-remote-attach-');
  const cwd = join(m.srcHome, 'code', 'remote');
  mkdirSync(cwd, { recursive: true });
  const t = m.claudeTranscript(cwd);
  vendorId = t.vendorId;
  id = m.addSession({ cwd, vendorSessionId: t.vendorId, title: 'remote' }).id;
  targetCwd = join(m.targetHome, 'code', 'remote');
  const r = await m.run(['handoff', id, '--to', 'desk']);
  if (r.code !== 0) throw new Error(`handoff failed: ${r.stderr}`);
}, 60_000);

afterAll(async () => {
  await m?.stop();
});

const desk = () => {
  const reg = openRegistry(m.env.HAPPIER_HOME!);
  try {
    return new MachinesRepo(reg).byName('desk')!;
  } finally {
    reg.close();
  }
};

const remoteLine = (verb: string) => new RegExp(`^ssh -F \\S+ -o UserKnownHostsFile=\\S+ -t desk '\\$SHELL -lc "\\S*/peer-bin/happier ${verb} ${id}"'\\n$`);

describe('attach, resume and send of a session desk owns, from the laptop', () => {
  it('attach --dry-run and resume --dry-run print the ssh -t line with desk\'s happier path, and run nothing', async () => {
    const a = await m.run(['attach', id.slice(0, 8), '--dry-run']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(remoteLine('attach'));
    const r = await m.run(['resume', id, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(remoteLine('resume'));
    const j = await m.json(['attach', id, '--dry-run']);
    expect(j.body).toMatchObject({ ok: true, kind: 'attach', data: { dryRun: true, plan: { kind: 'ssh', machine: 'desk', bin: 'ssh' } } });
    expect(j.body.data.plan.args).toEqual(expect.arrayContaining(['-t', 'desk']));
    // Nothing ran: the session on desk is still the one the handoff started, once.
    const launches = readFileSync(join(m.targetHome, 'launches.jsonl'), 'utf8').trim().split('\n');
    expect(launches).toHaveLength(1);
  });

  it("attach from a terminal on the laptop lands in desk's pane, and Ctrl-b d comes back", async () => {
    const pane = startPane({ argv: attachThenExitCode(), env: { ...m.env, TERM: 'screen' }, cols: 100, rows: 30 });
    try {
      // The fake Claude's prompt under a tmux status line, and desk's tmux server has a client on the session.
      const screen = await pane.waitFor((s) => s.includes('[happier-') && s.includes('? for shortcuts'), 20_000);
      expect(screen).not.toContain('error');
      const clients = execFileSync('tmux', ['-S', join(m.targetHome, 'tmux.sock'), 'list-clients', '-F', '#{session_name}'], { encoding: 'utf8' });
      expect(clients.trim()).toBe(`happier-${id.slice(0, 8)}`);
      pane.send('C-b', 'd');
      await pane.waitFor(/\[detached/, 10_000);
      await pane.waitFor('happier exited 0', 10_000);
      // Detaching left desk's session running.
      expect(m.targetSessions().find((s: any) => s.id === id)).toMatchObject({ active: true });
    } finally {
      pane.kill();
    }
  });

  it("Enter on desk's row in the browser leaves the full screen for desk's pane, and Ctrl-b d comes back to the browser", async () => {
    const pane = startPane({ argv: ['env', '-u', 'TMUX', process.execPath, HAPPIER_BIN], env: { ...m.env, LANG: 'C.UTF-8', TERM: 'screen', PATH: process.env.PATH ?? '/usr/bin:/bin' }, cols: 100, rows: 30, cwd: m.srcHome });
    try {
      await pane.waitFor(/remote.*@desk/, 15_000);
      pane.send('Enter');
      await pane.waitFor((s) => s.includes('[happier-') && s.includes('? for shortcuts'), 20_000);
      const clients = execFileSync('tmux', ['-S', join(m.targetHome, 'tmux.sock'), 'list-clients', '-F', '#{session_name}'], { encoding: 'utf8' });
      expect(clients.trim()).toBe(`happier-${id.slice(0, 8)}`);
      pane.send('C-b', 'd');
      const back = await pane.waitFor(`back from ${id.slice(0, 8)} on desk`, 15_000);
      expect(back).toMatch(/remote.*@desk/);
    } finally {
      pane.kill();
    }
  });

  it('a send from the laptop goes through sshd to desk and delivers once, also when the same send id comes again', async () => {
    const sendId = randomUUID();
    const req = { sendId, session: id, text: 'next step\nsecond line', queue: true, wait: false, timeoutMs: 30_000 };
    const first = await sendOverSsh({ io: { env: m.env } }, desk(), req);
    expect(first).toMatchObject({ sendId, sessionId: id, delivery: 'pasted' });
    const again = await sendOverSsh({ io: { env: m.env } }, desk(), req);
    expect(again).toMatchObject({ sendId, sessionId: id, delivery: 'duplicate' });
    const transcript = join(m.targetHome, '.claude', 'projects', claudeSlug(targetCwd), `${vendorId}.jsonl`);
    const userTurns = await waitFor(() => readFileSync(transcript, 'utf8').split('\n').filter((l) => l.includes('next step')));
    expect(userTurns.filter((l) => JSON.parse(l).type === 'user').map((l) => JSON.parse(l).message.content)).toEqual(['next step\nsecond line']);
  });

  it('happier send on the laptop routes to desk over ssh: text from stdin, a prefix, and the same --send-id twice delivers once', async () => {
    const sendId = randomUUID();
    const args = ['send', id.slice(0, 8), '-', '--send-id', sendId, '--json'];
    const first = await runHappier(args, m.env, { cwd: m.srcHome, input: 'from the cli\n' });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, kind: 'send', data: { sendId, sessionId: id, delivery: 'pasted' } });
    const again = await runHappier(args, m.env, { cwd: m.srcHome, input: 'from the cli\n' });
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, data: { sendId, delivery: 'duplicate' } });
    const transcript = join(m.targetHome, '.claude', 'projects', claudeSlug(targetCwd), `${vendorId}.jsonl`);
    const turns = await waitFor(() => readFileSync(transcript, 'utf8').split('\n').filter((l) => l.includes('from the cli') && JSON.parse(l).type === 'user'));
    expect(turns.map((l) => JSON.parse(l).message.content)).toEqual(['from the cli']);
  });

  it("the owner's refusal comes back under its own code", async () => {
    const req = { sendId: randomUUID(), session: 'no-such-session', text: 'hi', queue: true, wait: false, timeoutMs: 30_000 };
    const err = await sendOverSsh({ io: { env: m.env } }, desk(), req).catch((e) => e);
    expect(err).toBeInstanceOf(HappierError);
    expect(err.code).toBe('NOT_FOUND');
  });

  it('with desk down, attach and send say MACHINE_OFFLINE with when desk was last seen', async () => {
    await m.peer.stop();
    const pane = startPane({ argv: attachThenExitCode(), env: { ...m.env, TERM: 'screen' }, cols: 160, rows: 30 });
    try {
      const screen = await pane.waitFor(/last seen \d{4}-\d\d-\d\d \d\d:\d\d UTC/, 20_000);
      expect(screen).toContain('desk, which owns');
      await pane.waitFor('happier exited 1', 10_000);
    } finally {
      pane.kill();
    }
    const req = { sendId: randomUUID(), session: id, text: 'hi', queue: true, wait: false, timeoutMs: 30_000 };
    const err = await sendOverSsh({ io: { env: m.env } }, desk(), req).catch((e) => e);
    expect(err).toMatchObject({ code: 'MACHINE_OFFLINE', message: expect.stringMatching(/^desk cannot be reached over ssh \(last seen .+\); nothing was sent$/) });
  });
});

/** `happier attach <id>` in the pane, then its exit code on the screen. */
function attachThenExitCode(): string[] {
  return ['sh', '-c', `"${process.execPath}" "${HAPPIER_BIN}" attach ${id}; echo "happier exited $?"; sleep 30`];
}

async function waitFor<T>(probe: () => T | null, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null && !(Array.isArray(v) && v.length === 0)) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
