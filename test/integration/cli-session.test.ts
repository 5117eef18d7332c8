import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../src/providers/claude/claude-slug.js';
import { openRegistry, REGISTRY_FILE } from '../../src/store/registry.js';
import { SessionsRepo } from '../../src/store/sessions-repo.js';
import { makeSession } from '../helpers/session-factory.js';
import { runHappier } from '../helpers/run-happier.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const home = join(dir.path, 'happier');
const env = { HAPPIER_HOME: home, HOME: dir.path, NO_COLOR: '1' };
const run = (...args: string[]) => runHappier(args, env);
const json = async (...args: string[]) => {
  const r = await run(...args);
  return { ...r, body: JSON.parse(r.stdout) };
};

const ids = {
  claude: 'c1a0de00-0000-4000-8000-000000000001',
  claude2: 'c1a0de00-0000-4000-8000-000000000002',
  codexMcp: 'c0dex000-0000-4000-8000-000000000003',
  archived: 'a4c41fed-0000-4000-8000-000000000004',
};

beforeAll(async () => {
  // Registering a session for real needs `happier new` or takeover (later issues);
  // these tests put records straight into the registry.
  const reg = openRegistry(home, { machineName: 'laptop' });
  const repo = new SessionsRepo(reg);
  const own = reg.machineId;
  repo.insert(makeSession({ id: ids.claude, title: 'refactor the parser', cwd: join(dir.path, 'src/parser'), ownerMachineId: own, updatedAt: '2026-11-22T10:00:00.000Z', vendorSessionId: '0b7c8f7e-1111-4222-8333-944455556666' }));
  repo.insert(makeSession({ id: ids.claude2, title: 'write docs', ownerMachineId: own, vendorSessionId: null, updatedAt: '2026-11-21T10:00:00.000Z' }));
  repo.insert(makeSession({ id: ids.codexMcp, agent: 'codex', backend: 'mcp', title: 'codex on mcp', ownerMachineId: own, updatedAt: '2026-11-20T10:00:00.000Z' }));
  repo.insert(makeSession({ id: ids.archived, title: 'old work', archived: true, ownerMachineId: own }));
  reg.close();
  // The first session has had its first message: Claude's transcript is on disk.
  const project = join(dir.path, '.claude', 'projects', claudeSlug(join(dir.path, 'src/parser')));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, '0b7c8f7e-1111-4222-8333-944455556666.jsonl'), JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }) + '\n');
});
afterAll(() => dir.cleanup());

describe('happier session list', () => {
  it('prints a table with the contract columns, newest first', async () => {
    const r = await run('session', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGENT\s+UPDATED\s+ACTIVE\s+RESUME\s+TITLE\s+PATH$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([ids.claude, ids.claude2, 'c0dex000']);
    expect(lines[1]).toContain('~/src/parser');
    expect(lines[2]).toContain('no(missing-id)');
    expect(lines[3]).toContain('no(unsupported)');
    expect(r.stdout).not.toContain('old work');
  });

  it('fits COLUMNS when stdout is not a terminal', async () => {
    const wide = await runHappier(['session', 'list'], env);
    expect(Math.max(...wide.stdout.split('\n').map((l) => [...l].length))).toBeGreaterThan(110);
    const r = await runHappier(['session', 'list'], { ...env, COLUMNS: '110' });
    for (const l of r.stdout.trimEnd().split('\n')) expect([...l].length).toBeLessThanOrEqual(110);
    expect(r.stdout).toContain('…');
  });

  it('--json prints only the envelope with the contract fields', async () => {
    const { code, body, stderr } = await json('session', 'list', '--json');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(body).toMatchObject({ v: 1, ok: true, kind: 'session_list' });
    const s = body.data.sessions[0];
    expect(Object.keys(s).sort()).toEqual(
      ['active', 'agent', 'archived', 'backend', 'createdAt', 'cwd', 'id', 'input', 'lastActivityAt', 'ownerEpoch', 'ownerMachineId', 'ownerMachineName', 'resume', 'title', 'updatedAt', 'vendorSessionId'].sort(),
    );
    expect(s).toMatchObject({ id: ids.claude, ownerMachineName: 'laptop', active: false, resume: { status: 'yes' }, input: { state: 'enabled', reason: 'resumable' } });
    expect(body.data.sessions[1].resume).toEqual({ status: 'no', reason: 'missing-id' });
    expect(body.data.sessions[1].input).toEqual({ state: 'disabled', reason: 'not-resumable:missing-id' });
  });

  it('filters with --resumable, --archived, --all and --agent', async () => {
    const idsOf = async (...a: string[]) => (await json('session', 'list', '--json', ...a)).body.data.sessions.map((s: { id: string }) => s.id);
    expect(await idsOf('--resumable')).toEqual([ids.claude]);
    expect(await idsOf('--archived')).toEqual([ids.archived]);
    expect(await idsOf('--all')).toHaveLength(4);
    expect(await idsOf('--agent', 'codex')).toEqual([ids.codexMcp]);
    expect(await idsOf('--active')).toEqual([]);
  });

  it('--all marks archived rows, and their RESUME says archived (table and JSON)', async () => {
    const table = await runHappier(['session', 'list', '--all'], { ...env, COLUMNS: '140' });
    const row = table.stdout.split('\n').find((l) => l.startsWith('a4c41fed'))!;
    expect(row).toMatch(/\bno\(archived\)\s+\[archived\] old work\s/);
    expect(table.stdout.split('\n').filter((l) => l.includes('[archived]'))).toHaveLength(1);
    const narrow = await runHappier(['session', 'list', '--all'], { ...env, COLUMNS: '80' });
    for (const l of narrow.stdout.trimEnd().split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    expect(narrow.stdout.split('\n').find((l) => l.startsWith('a4c41fed'))).toContain('no(archived)');
    const all = (await json('session', 'list', '--all', '--json')).body.data.sessions;
    expect(all.find((s: { id: string }) => s.id === ids.archived)).toMatchObject({ archived: true, resume: { status: 'no', reason: 'archived' }, input: { state: 'disabled', reason: 'archived' } });
    expect(all.find((s: { id: string }) => s.id === ids.claude)).toMatchObject({ archived: false, resume: { status: 'yes' } });
  });

  it('--plain prints id, agent, state and path', async () => {
    const r = await run('session', 'list', '--plain', '--agent', 'codex');
    expect(r.stdout).toBe(`${ids.codexMcp} codex inactive /home/dev/project\n`);
  });

  it('with no arguments and no TTY prints the list', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('refactor the parser');
  });

  it('rejects contradictory or unknown options with exit 2', async () => {
    expect((await run('session', 'list', '--archived', '--all')).code).toBe(2);
    expect((await run('session', 'list', '--agent', 'gemini')).code).toBe(2);
    const bad = await json('session', 'list', '--json', '--bogus');
    expect(bad.code).toBe(2);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('happier session show / rename / archive / rm', () => {
  it('shows a session by prefix and by vendor id', async () => {
    const byPrefix = await run('session', 'show', 'c0dex');
    expect(byPrefix.code).toBe(0);
    expect(byPrefix.stdout).toMatch(/resume\s+no\(unsupported\)/);
    const byVendor = await json('session', 'show', '0b7c8f7e-1111-4222-8333-944455556666', '--json');
    expect(byVendor.body.data.session.id).toBe(ids.claude);
  });

  it('an ambiguous prefix fails with AMBIGUOUS, lists the candidates and exits 1', async () => {
    const r = await json('session', 'show', 'c1a0de00', '--json');
    expect(r.code).toBe(1);
    expect(r.body).toMatchObject({ v: 1, ok: false, kind: 'session_show', error: { code: 'AMBIGUOUS' } });
    expect(r.body.error.candidates.map((c: { id: string }) => c.id).sort()).toEqual([ids.claude, ids.claude2]);
    const text = await run('session', 'show', 'c1a0de00');
    expect(text.stderr).toMatch(/^error: "c1a0de00" matches 2 sessions\n/);
    expect(text.stderr).toContain(ids.claude2);
    expect(text.stderr).toMatch(/hint: /);
  });

  it('an unknown id fails with NOT_FOUND and a hint', async () => {
    const r = await run('session', 'show', 'ffff');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: no session matches "ffff"\nhint: run `happier session list --all` to see every session\n');
  });

  it('renames, archives and unarchives, visible in the list', async () => {
    expect((await run('session', 'rename', 'c0dex', 'codex', 'experiments')).code).toBe(0);
    expect((await json('session', 'show', 'c0dex', '--json')).body.data.session.title).toBe('codex experiments');
    expect((await run('session', 'archive', 'c0dex')).code).toBe(0);
    const live = (await json('session', 'list', '--json')).body.data.sessions.map((s: { id: string }) => s.id);
    expect(live).not.toContain(ids.codexMcp);
    expect((await run('session', 'unarchive', 'c0dex')).code).toBe(0);
    const back = (await json('session', 'list', '--json')).body.data.sessions.map((s: { id: string }) => s.id);
    expect(back).toContain(ids.codexMcp);
  });

  it('rm forgets the session', async () => {
    const r = await json('session', 'rm', ids.archived, '--json');
    expect(r.body).toEqual({ v: 1, ok: true, kind: 'session_rm', data: { id: ids.archived, removed: true } });
    expect((await run('session', 'show', ids.archived)).code).toBe(1);
  });
});

describe('happier settings', () => {
  it('sets, gets and resets a value', async () => {
    expect((await run('settings', 'set', 'backends.claude.resume', 'off')).code).toBe(0);
    expect((await run('settings', 'get', 'backends.claude.resume')).stdout).toBe('false\n');
    const list = await json('session', 'list', '--json');
    // By id: the rename above made the Codex session the most recent one.
    expect(list.body.data.sessions.find((s: { id: string }) => s.id === ids.claude).resume).toEqual({ status: 'no', reason: 'disabled' });
    expect((await run('settings', 'reset', 'backends.claude.resume')).code).toBe(0);
    expect((await run('settings', 'get', 'backends.claude.resume')).stdout).toBe('true\n');
  });

  it('refuses a bad value or key as a usage error', async () => {
    const bad = await run('settings', 'set', 'handoff.conflict', 'overwrite');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('handoff.conflict takes one of sibling, replace');
    expect(bad.stderr).toContain('hint: allowed: sibling, replace, e.g. `happier settings set handoff.conflict replace`');
    const flag = await run('settings', 'set', 'handoff.workspace', 'maybe');
    expect(flag.stderr).toContain('hint: allowed: true or false (or on/off, yes/no, 1/0), e.g. `happier settings set handoff.workspace true`');
    const unknown = await run('settings', 'get', 'no.such.key');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^hint: the keys are backends\.claude\.enabled, .*handoff\.codexExperimental; `happier settings list` shows their values$/m);
  });
});

describe('the CLI edge', () => {
  it('prints the version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect((await run('--version')).stdout).toBe(`${pkg.version}\n`);
  });

  it('colours only when asked, and never with NO_COLOR', async () => {
    expect((await run('session', 'list')).stdout).not.toContain('\u001b[');
    const forced = await runHappier(['session', 'list'], { ...env, NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[');
  });

  it('reports a corrupt registry with a clear error and leaves the file alone', async () => {
    const other = tempDir();
    try {
      const path = join(other.path, REGISTRY_FILE);
      writeFileSync(path, 'garbage that is not a database'.repeat(100));
      const before = createHash('sha256').update(readFileSync(path)).digest('hex');
      const r = await runHappier(['session', 'list'], { HAPPIER_HOME: other.path, HOME: other.path });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: the registry .* is not a valid database\nhint: happier left it untouched/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
      const j = await runHappier(['session', 'list', '--json'], { HAPPIER_HOME: other.path, HOME: other.path });
      expect(JSON.parse(j.stdout).error.code).toBe('REGISTRY_CORRUPT');
    } finally {
      other.cleanup();
    }
  });
});
