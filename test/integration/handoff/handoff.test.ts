import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { HAPPIER_BIN } from '../../helpers/run-happier.js';
import { startPane } from '../../helpers/tmux-pane.js';
import { twoMachines, type TwoMachines } from './two-machines.js';

let m: TwoMachines;

beforeAll(async () => {
  m = await twoMachines('happier-handoff-');
});

afterAll(async () => {
  await m?.stop();
});

/** A project on the laptop with a real Claude transcript and a synced session for it. */
function project(name: string, files: Record<string, string> = { 'README.md': `# ${name}\n` }) {
  const cwd = join(m.srcHome, 'code', name);
  mkdirSync(cwd, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(cwd, p, '..'), { recursive: true });
    writeFileSync(join(cwd, p), text);
  }
  const t = m.claudeTranscript(cwd);
  const s = m.addSession({ cwd, vendorSessionId: t.vendorId, title: name });
  return { cwd, targetCwd: join(m.targetHome, 'code', name), session: s, transcript: t };
}

const targetTranscript = (cwd: string, vendorId: string) => join(m.targetHome, '.claude', 'projects', claudeSlug(cwd), `${vendorId}.jsonl`);

describe('happier handoff between two machines over a real sshd', () => {
  it('moves a running session without its workspace: stopped here, owned and running there, attach here points there', async () => {
    const p = project('plain');
    const resumed = await m.run(['resume', p.session.id, '--detached']);
    expect(resumed.code, resumed.stderr).toBe(0);

    const r = await m.json(['handoff', p.session.id.slice(0, 8), '--to', 'desk']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body).toMatchObject({ ok: true, kind: 'handoff', data: { dryRun: false, ownerEpoch: 1, tmuxSession: expect.stringMatching(/^happier-/) } });
    expect(r.body.data.plan.target).toMatchObject({ name: 'desk', path: p.targetCwd, pathChoice: 'mapped-home' });
    expect(r.body.data.plan.workspace.enabled).toBe(false);

    const here = (await m.json(['session', 'list', '--all'])).body.data.sessions.find((s: any) => s.id === p.session.id);
    expect(here).toMatchObject({ ownerMachineName: 'desk', ownerEpoch: 1, active: false });
    // Without a terminal here, attach cannot pass one through to desk; it says how instead.
    const attach = await m.run(['attach', p.session.id]);
    expect(attach.code).toBe(1);
    expect(attach.stderr).toContain('owned by desk');
    expect(attach.stderr).toMatch(new RegExp(`-t desk '\\$SHELL -lc "\\S*happier attach ${p.session.id}"'`));
    const resume = await m.json(['resume', p.session.id]);
    expect(resume.body.error.code).toBe('NOT_ATTACHABLE');

    const there = m.targetSessions().find((s: any) => s.id === p.session.id);
    expect(there).toMatchObject({ ownerEpoch: 1, active: true, cwd: p.targetCwd, vendorSessionId: p.transcript.vendorId });
    const moved = readFileSync(targetTranscript(p.targetCwd, p.transcript.vendorId), 'utf8');
    expect(moved).toContain('TANGERINE-4417');
    expect(moved).toContain(`"cwd":${JSON.stringify(p.targetCwd)}`);
    expect(readFileSync(p.transcript.path)).toEqual(p.transcript.bytes);
    // The provider was really resumed there, from the new cwd.
    const launches = readFileSync(join(m.targetHome, 'launches.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(launches.at(-1)).toMatchObject({ argv: ['--resume', p.transcript.vendorId], cwd: p.targetCwd });
    expect(m.leftovers()).toEqual([]);
  });

  it('moves the workspace into a new folder, and with --conflict sibling into `-2` when the folder exists', async () => {
    const p = project('withws', { 'src/a.ts': 'export const a = 1;\n', '.gitignore': 'dist/\n', 'dist/out.js': 'built\n' });
    const dry = await m.run(['handoff', p.session.id, '--to', 'desk', '--workspace', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    // src/a.ts and .gitignore; dist/ is ignored.
    expect(dry.stdout).toMatch(/files: {5}2 workspace file\(s\)/);
    expect(dry.stdout).toContain(`target:    ${p.targetCwd} (the same place under the target’s home; a new folder)`);
    expect(existsSync(p.targetCwd)).toBe(false);
    const r = await m.json(['handoff', p.session.id, '--to', 'desk', '--workspace']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(p.targetCwd, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(existsSync(join(p.targetCwd, 'dist'))).toBe(false);

    const q = project('taken', { 'new.txt': 'new\n', '.gitignore': 'dist/\n.env.local\n', 'dist/out.js': 'built\n', '.env.local': 'KEY=1\n' });
    mkdirSync(q.targetCwd, { recursive: true });
    writeFileSync(join(q.targetCwd, 'old.txt'), 'old\n');
    m.peer.chown(join(m.targetHome, 'code'));
    const s = await m.run(['handoff', q.session.id, '--to', 'desk', '--workspace', '--conflict', 'sibling', '--include', 'dist/**']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain(`so the session goes to the sibling ${q.targetCwd}-2`);
    expect(readFileSync(join(q.targetCwd, 'old.txt'), 'utf8')).toBe('old\n');
    expect(readFileSync(join(q.targetCwd + '-2', 'new.txt'), 'utf8')).toBe('new\n');
    // --include brings back the ignored files it names, and only those.
    expect(readFileSync(join(q.targetCwd + '-2', 'dist', 'out.js'), 'utf8')).toBe('built\n');
    expect(existsSync(join(q.targetCwd + '-2', '.env.local'))).toBe(false);
    expect(m.targetSessions().find((x: any) => x.id === q.session.id)).toMatchObject({ cwd: q.targetCwd + '-2', active: true });
    expect(m.leftovers()).toEqual([]);
  });

  it('replaces an existing folder only when confirmed, and the old tree survives a failure before it is complete', async () => {
    const p = project('replaced', { 'new.txt': 'new\n' });
    mkdirSync(p.targetCwd, { recursive: true });
    writeFileSync(join(p.targetCwd, 'old.txt'), 'old\n');
    m.peer.chown(join(m.targetHome, 'code'));

    const refused = await m.json(['handoff', p.session.id, '--to', 'desk', '--workspace', '--conflict', 'replace']);
    expect(refused.code).toBe(1);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', path: p.targetCwd });
    expect(refused.body.error.hint).toContain('--yes');

    // A connection cut after the workspace arrived: the old tree is still the one in place.
    const cut = await m.json(['handoff', p.session.id, '--to', 'desk', '--workspace', '--conflict', 'replace', '--yes'], { HAPPIER_FAILPOINT: 'workspace-synced:cut' });
    expect(cut.code).toBe(1);
    expect(readFileSync(join(p.targetCwd, 'old.txt'), 'utf8')).toBe('old\n');
    await m.run(['session', 'list']);
    expect(m.sourceSession(p.session.id)!.ownerMachineId).not.toBe(m.targetSessions().find((x: any) => x.id === p.session.id)?.ownerMachineId);

    const ok = await m.json(['handoff', p.session.id, '--to', 'desk', '--workspace', '--conflict', 'replace', '--yes']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(p.targetCwd).sort()).toEqual(['new.txt']);
    expect(m.leftovers()).toEqual([]);
  });

  it('turns the workspace off for a session at the home directory, and says why', async () => {
    const t = m.claudeTranscript(m.srcHome);
    const s = m.addSession({ cwd: m.srcHome, vendorSessionId: t.vendorId });
    const dry = await m.run(['handoff', s.id, '--to', 'desk', '--workspace', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('workspace: off (the workspace is your home directory)');
    expect(dry.stderr).toContain('note: workspace transfer is off: the workspace is your home directory');
    expect(dry.stdout).toMatch(/state: {5}1 file\(s\)/);
    expect(m.sourceSession(s.id)!.ownerEpoch).toBe(0);

    const jl = await m.run(['handoff', s.id, '--to', 'desk', '--workspace', '--jsonl']);
    expect(jl.code, jl.stderr).toBe(0);
    const lines = jl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).map((e) => `${e.phase}:${e.status}`)).toEqual([
      'prepare:start', 'prepare:done', 'move:start', 'move:done', 'resume:start', 'resume:done', 'commit:start', 'commit:done',
    ]);
    expect(lines[0]).toMatchObject({ kind: 'handoff_event', label: 'preparing the target' });
    const r = { body: lines.at(-1) };
    expect(r.body.ok).toBe(true);
    expect(r.body.data.plan.workspace).toMatchObject({ enabled: false, reason: 'the workspace is your home directory' });
    expect(r.body.data.plan.target.path).toBe(m.targetHome);
    expect(r.body.data.workspaceFiles).toBeNull();
  });

  it('refuses, before touching anything, each thing preflight checks', async () => {
    const p = project('refusals');
    const code = async (args: string[], extra: Record<string, string> = {}) => (await m.json(['handoff', ...args], extra)).body.error;

    expect(await code([p.session.id, '--to', 'nowhere'])).toMatchObject({ code: 'MACHINE_UNKNOWN' });
    const self = (await m.json(['machine', 'list'])).body.data.machines[0].name;
    expect((await code([p.session.id, '--to', self])).message).toContain('already owns this session');

    const reg = (await import('../../../src/store/registry.js')).openRegistry(m.env.HAPPIER_HOME!);
    const { MachinesRepo } = await import('../../../src/store/machines-repo.js');
    new MachinesRepo(reg).upsert({ id: 'id-gone', name: 'gone', sshTarget: 'x@127.0.0.1:1', identityFile: null, isSelf: false, createdAt: new Date().toISOString() });
    reg.close();
    expect(await code([p.session.id, '--to', 'gone'])).toMatchObject({ code: 'MACHINE_OFFLINE' });

    const codex = m.addSession({ agent: 'codex', backend: 'app-server', cwd: p.cwd });
    expect(await code([codex.id, '--to', 'desk'])).toMatchObject({ code: 'UNSUPPORTED_PROVIDER' });
    const oc = m.addSession({ agent: 'opencode', cwd: p.cwd, vendorSessionId: 'ses_abc123' });
    const noCli = await code([oc.id, '--to', 'desk']);
    expect(noCli).toMatchObject({ code: 'PROVIDER_MISSING' });
    expect(noCli.message).toBe('desk has no opencode CLI');
    expect(noCli.hint).toContain('`npm i -g opencode-ai`');

    // A machine with node but no happier gets the uploaded agent, which has no registry.
    const { startSshd } = await import('../../helpers/sshd.js');
    const bare = await startSshd();
    try {
      writeFileSync(m.env.HAPPIER_KNOWN_HOSTS!, readFileSync(m.env.HAPPIER_KNOWN_HOSTS!, 'utf8') + bare.knownHostsLine + '\n');
      const added = await m.run(['machine', 'add', 'bare', `${bare.user}@127.0.0.1:${bare.port}`, '--identity', bare.clientKey]);
      expect(added.code, added.stderr).toBe(0);
      const incompatible = await code([p.session.id, '--to', 'bare']);
      expect(incompatible).toMatchObject({ code: 'PEER_INCOMPATIBLE', reason: 'no-registry' });
      expect(incompatible.hint).toContain('install happier');
    } finally {
      await bare.stop();
    }

    expect(await code([m.addSession({ cwd: p.cwd, archived: true }).id, '--to', 'desk'])).toMatchObject({ code: 'ARCHIVED' });
    const elsewhere = m.addSession({ ownerMachineId: 'id-gone', cwd: p.cwd });
    expect(await code([elsewhere.id, '--to', 'desk'])).toMatchObject({ code: 'NOT_OWNER' });

    // None of these moved anything.
    expect(m.sourceSession(p.session.id)).toMatchObject({ ownerEpoch: 0 });
    expect(m.targetSessions().find((x: any) => x.id === p.session.id)).toBeUndefined();
    expect(m.leftovers()).toEqual([]);
  });

  it('moves a direct session as-is with --direct-mode keep, and as a synced session with convert', async () => {
    const cwd = join(m.srcHome, 'code', 'direct');
    mkdirSync(cwd, { recursive: true });
    const keep = m.claudeTranscript(cwd);
    const k = await m.json(['handoff', keep.vendorId, '--to', 'desk', '--direct-mode', 'keep']);
    expect(k.code, k.stderr).toBe(0);
    expect(k.body.data.plan).toMatchObject({ sessionId: null, direct: 'keep' });
    expect(existsSync(targetTranscript(join(m.targetHome, 'code', 'direct'), keep.vendorId))).toBe(true);
    expect(m.targetSessions().find((x: any) => x.vendorSessionId === keep.vendorId)).toBeUndefined();

    // A provider still running a direct session outside happier keeps it here. The stand-in
    // is a node script named `claude`: a live writer is judged by what the process executes.
    const busy = m.claudeTranscript(cwd);
    const { spawn } = await import('node:child_process');
    const standIn = join(m.srcHome, 'stand-in', 'claude');
    mkdirSync(join(m.srcHome, 'stand-in'), { recursive: true });
    writeFileSync(standIn, `#!${process.execPath}\nsetInterval(() => {}, 1000);\n`, { mode: 0o755 });
    const provider = spawn(standIn, ['--resume', busy.vendorId], { stdio: 'ignore' });
    await new Promise((resolve) => provider.once('spawn', resolve));
    try {
      const refused = await m.json(['handoff', busy.vendorId, '--to', 'desk', '--direct-mode', 'keep']);
      expect(refused.body.error).toMatchObject({ code: 'ALREADY_ACTIVE', pid: provider.pid });
    } finally {
      provider.kill();
    }

    const conv = m.claudeTranscript(cwd);
    const c = await m.json(['handoff', conv.vendorId, '--to', 'desk', '--direct-mode', 'convert']);
    expect(c.code, c.stderr).toBe(0);
    expect(m.targetSessions().find((x: any) => x.vendorSessionId === conv.vendorId)).toMatchObject({ agent: 'claude', cwd: join(m.targetHome, 'code', 'direct') });
    expect(readFileSync(conv.path)).toEqual(conv.bytes);
    expect(m.leftovers()).toEqual([]);
  });

  it('in a terminal, asks before replacing and shows the four phases on stderr', async () => {
    const p = project('terminal', { 'new.txt': 'new\n' });
    mkdirSync(p.targetCwd, { recursive: true });
    writeFileSync(join(p.targetCwd, 'old.txt'), 'old\n');
    m.peer.chown(join(m.targetHome, 'code'));
    const pane = startPane({
      argv: ['sh', '-c', `${process.execPath} ${HAPPIER_BIN} handoff ${p.session.id} --to desk --workspace --conflict replace; echo "EXIT=$?"; sleep 60`],
      env: { ...m.env, PATH: process.env.PATH!, TERM: 'xterm-256color' },
      cols: 160,
      cwd: m.srcHome,
    });
    try {
      await pane.waitFor(`Replace ${p.targetCwd} on desk?`, 20_000);
      pane.type('y');
      pane.send('Enter');
      const screen = await pane.waitFor(/EXIT=\d+/, 30_000);
      expect(screen).toContain('EXIT=0');
      for (const [i, label] of ['preparing the target', 'moving the session state', 'resuming on the target', 'updating ownership'].entries()) {
        expect(screen).toContain(`[${i + 1}/4] ${label}: done`);
      }
      expect(screen).toContain(`attach: ssh -t desk '$SHELL -lc "happier attach ${p.session.id}"'`);
    } finally {
      pane.kill();
    }
    expect(readdirSync(p.targetCwd)).toEqual(['new.txt']);
  });
});
