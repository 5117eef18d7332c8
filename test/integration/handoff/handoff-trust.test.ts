import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { twoMachines, type TwoMachines } from './two-machines.js';

// Issue 13, failure 7 and "the peer's real environment": a folder the user trusted in
// Claude on the laptop is trusted on the desk after a handoff (so the resumed pane opens
// at the conversation, not at "Do you trust the files in this folder?"), an untrusted one
// stays untrusted, an undone handoff takes the trust back, and everything happier writes
// on the desk belongs to its login user, with transcripts 0600 and the user's umask on
// the workspace.

let m: TwoMachines;
let n = 0;
const srcConfig = () => join(m.srcHome, '.claude.json');
const targetConfig = () => join(m.targetHome, '.claude.json');
const TARGET_CONFIG = { hasCompletedOnboarding: true, theme: 'dark', projects: { '/somewhere/else': { hasTrustDialogAccepted: true, allowedTools: [] } } };
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const modeOf = (p: string) => statSync(p).mode & 0o777;

beforeAll(async () => {
  m = await twoMachines('happier-handoff-trust-');
  // The desk user's own umask, set where a login shell reads it.
  writeFileSync(join(m.targetHome, '.profile'), 'umask 027\n');
  writeFileSync(targetConfig(), `${JSON.stringify(TARGET_CONFIG, null, 2)}\n`);
  chmodSync(targetConfig(), 0o600);
  m.peer.chown(join(m.targetHome, '.profile'));
  m.peer.chown(targetConfig());
});

afterAll(async () => {
  await m?.stop();
});

/** A Claude project on the laptop, trusted there or not, with a session and a workspace whose files are wide open. */
function project(trusted: boolean) {
  const name = `trust-${++n} "quoted" ünï`;
  const cwd = join(m.srcHome, 'code', name);
  mkdirSync(join(cwd, 'bin'), { recursive: true });
  writeFileSync(join(cwd, 'notes.txt'), 'notes\n');
  writeFileSync(join(cwd, 'bin', 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(cwd, 'notes.txt'), 0o666);
  chmodSync(join(cwd, 'bin', 'run.sh'), 0o777);
  chmodSync(join(cwd, 'bin'), 0o777);
  const config = existsSync(srcConfig()) ? readJson(srcConfig()) : { projects: {} };
  config.projects ??= {};
  if (trusted) config.projects[realpathSync(cwd)] = { hasTrustDialogAccepted: true };
  writeFileSync(srcConfig(), JSON.stringify(config));
  const t = m.claudeTranscript(cwd);
  const s = m.addSession({ cwd, vendorSessionId: t.vendorId, title: name });
  return { cwd, targetCwd: join(m.targetHome, 'code', name), session: s, transcript: t };
}

/** Every path under `root` whose owner is not the desk's login user. */
function notOwnedByPeer(root: string, uid: number): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const below = lstatSync(root).isDirectory() ? readdirSync(root, { recursive: true }).map(String) : [];
  for (const rel of ['', ...below]) {
    const p = join(root, rel);
    if (lstatSync(p).uid !== uid) out.push(p);
  }
  return out;
}

describe('trust carried with a handed-off session', () => {
  it('a trusted folder is trusted at the new path on the target, every other key kept; the files there are the login user’s', async () => {
    const p = project(true);
    const r = await m.json(['handoff', p.session.id, '--to', 'desk', '--workspace']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data.plan.notes).toContain(`claude trusts ${p.cwd} here, so ${p.targetCwd} is marked trusted on desk too`);

    const after = readJson(targetConfig());
    expect(after).toEqual({ ...TARGET_CONFIG, projects: { ...TARGET_CONFIG.projects, [realpathSync(p.targetCwd)]: { hasTrustDialogAccepted: true } } });
    expect(modeOf(targetConfig())).toBe(0o600);
    expect(m.targetSessions().find((s: any) => s.id === p.session.id)).toMatchObject({ active: true, cwd: p.targetCwd });

    // Owned by the desk's user, as it logged in: nothing made by root, nothing wider than asked.
    const uid = statSync(m.targetHome).uid;
    for (const d of [join(m.targetHome, '.happier'), join(m.targetHome, '.claude'), join(m.targetHome, 'code'), targetConfig()]) {
      expect(notOwnedByPeer(d, uid)).toEqual([]);
    }
    const transcript = join(m.targetHome, '.claude', 'projects', claudeSlug(realpathSync(p.targetCwd)), `${p.transcript.vendorId}.jsonl`);
    expect(modeOf(transcript)).toBe(0o600);
    // The workspace keeps the source's bits under the desk user's umask (027 from its ~/.profile).
    expect(modeOf(join(p.targetCwd, 'notes.txt'))).toBe(0o640);
    expect(modeOf(join(p.targetCwd, 'bin', 'run.sh'))).toBe(0o750);
    expect(modeOf(join(p.targetCwd, 'bin'))).toBe(0o750);
    expect(m.leftovers()).toEqual([]);
  });

  it('an untrusted folder stays untrusted on the target', async () => {
    const p = project(false);
    const before = readFileSync(targetConfig());
    const r = await m.json(['handoff', p.session.id, '--to', 'desk']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data.plan.notes).toContain(`claude has not trusted ${p.cwd} here, so it asks about ${p.targetCwd} on desk`);
    expect(readFileSync(targetConfig())).toEqual(before);
  });

  it('a handoff undone after the trust was given takes back exactly it: resume fails there, or the target agent dies', async () => {
    for (const fault of ['resume-fails', 'agent-dies'] as const) {
      const p = project(true);
      const before = readFileSync(targetConfig());
      if (fault === 'resume-fails') m.targetFakeMode('fail');
      else m.targetFailpoint('agent-register:exit');
      let r;
      try {
        r = await m.json(['handoff', p.session.id, '--to', 'desk', '--workspace']);
      } finally {
        m.targetFakeMode(null);
        m.targetFailpoint(null);
      }
      expect(r.code, fault).toBe(1);
      expect(r.body.error.rolledBack, fault).toBe(true);
      expect(readFileSync(targetConfig()).equals(before), fault).toBe(true);
      expect(modeOf(targetConfig())).toBe(0o600);
      expect(existsSync(p.targetCwd), fault).toBe(false);
      expect(m.leftovers(), fault).toEqual([]);
    }
  });
});
