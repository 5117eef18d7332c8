import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { createOpencodeDb } from '../../unit/providers/opencode/opencode-db-fixture.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

const dir = tempDir('happier-lifecycle-');
const sock = join(dir.path, 'happier.sock');
const clientSock = join(dir.path, 'client.sock');
const project = join(dir.path, 'my project #1');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const launchLog = join(dir.path, 'launches.jsonl');
const env: Record<string, string> = {
  HAPPIER_HOME: join(dir.path, 'happier'),
  HOME: dir.path,
  NO_COLOR: '1',
  HAPPIER_TMUX_SOCKET: sock,
  HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
  HAPPIER_CODEX_BIN: fixture('fake-codex.mjs'),
  HAPPIER_OPENCODE_BIN: fixture('fake-opencode.mjs'),
  XDG_DATA_HOME: join(dir.path, 'xdg'),
  CODEX_HOME: join(dir.path, 'codex'),
  FAKE_LOG: launchLog,
  HAPPIER_START_WATCH_MS: '700',
  HAPPIER_STOP_STEP_MS: '700',
  HAPPIER_VENDOR_ID_TIMEOUT_MS: '5000',
};

const run = (args: string[], extra: Record<string, string> = {}) => runHappier(args, { ...env, ...extra }, { cwd: project });
const json = async (args: string[], extra: Record<string, string> = {}) => {
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const r = await run([...args.slice(0, end), '--json', ...args.slice(end)], extra);
  return { code: r.code, stderr: r.stderr, body: JSON.parse(r.stdout) };
};
interface Launch {
  agent: string;
  argv: string[];
  cwd: string;
  marker: string | null;
  mode: string;
  pid: number;
}
const launches = (): Launch[] => {
  try {
    return readFileSync(launchLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};
const tmux = (socket: string, ...args: string[]) => {
  try {
    return execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
};
const tmuxSessions = () => tmux(sock, 'list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (what: string, check: () => boolean | Promise<boolean>, ms = 8000) => {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
};
const show = async (id: string) => (await json(['session', 'show', id])).body.data.session;
const allIds = async () => (await json(['session', 'list', '--all'])).body.data.sessions.map((s: { id: string }) => s.id).sort();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** `env -u TMUX K=V … node happier <args>`: a happier run inside a tmux pane, as a user would type it. */
const happierArgv = (args: string[]) => ['env', '-u', 'TMUX', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, HAPPIER_BIN, ...args];

const ids = {
  noVendor: 'aaaa0001-0000-4000-8000-000000000001',
  codexMcp: 'aaaa0002-0000-4000-8000-000000000002',
  goneCwd: 'aaaa0003-0000-4000-8000-000000000003',
  elsewhere: 'aaaa0004-0000-4000-8000-000000000004',
};

/** Types a first message into the session's pane, as a user would, and waits until happier sees its conversation. */
async function firstMessage(tmuxSession: string, id: string) {
  await waitFor('the prompt', () => tmux(sock, 'capture-pane', '-p', '-t', `=${tmuxSession}:`).includes('? for shortcuts'));
  tmux(sock, 'send-keys', '-t', `=${tmuxSession}:`, '-l', 'hello there');
  tmux(sock, 'send-keys', '-t', `=${tmuxSession}:`, 'Enter');
  await waitFor('the conversation on disk', async () => (await show(id)).resume.status === 'yes');
}

async function startClaude(extra: Record<string, string> = {}, args: string[] = []) {
  const r = await json(['new', '--detached', '--cwd', project, ...args], extra);
  expect(r.code, r.stderr).toBe(0);
  return r.body.data as { session: { id: string; vendorSessionId: string; active: boolean; cwd: string }; tmuxSession: string };
}

beforeAll(() => {
  mkdirSync(project);
  claudeSetUp(env);
  createOpencodeDb(join(env.XDG_DATA_HOME!, 'opencode', 'opencode.db')).close();
  const reg = openRegistry(env.HAPPIER_HOME!, { machineName: 'laptop' });
  const sessions = new SessionsRepo(reg);
  const own = reg.machineId;
  new MachinesRepo(reg).upsert({ id: 'm-build', name: 'build-box', sshTarget: 'dev@build.lan', identityFile: null, isSelf: false, createdAt: '2026-11-01T00:00:00.000Z' });
  sessions.insert(makeSession({ id: ids.noVendor, ownerMachineId: own, vendorSessionId: null, cwd: project }));
  sessions.insert(makeSession({ id: ids.codexMcp, ownerMachineId: own, agent: 'codex', backend: 'mcp', cwd: project }));
  const gone = makeSession({ id: ids.goneCwd, ownerMachineId: own, cwd: join(dir.path, 'deleted') });
  sessions.insert(gone);
  // Its conversation is still on disk; only the folder it ran in is gone.
  const goneProject = join(dir.path, '.claude', 'projects', claudeSlug(gone.cwd));
  mkdirSync(goneProject, { recursive: true });
  writeFileSync(join(goneProject, `${gone.vendorSessionId}.jsonl`), JSON.stringify({ type: 'user', sessionId: gone.vendorSessionId, message: { role: 'user', content: 'hi' } }) + '\n');
  sessions.insert(makeSession({ id: ids.elsewhere, ownerMachineId: 'm-build', cwd: project }));
  reg.close();
});

afterAll(() => {
  tmux(sock, 'kill-server');
  tmux(clientSock, 'kill-server');
  for (const l of launches()) if (alive(l.pid)) process.kill(l.pid, 'SIGKILL');
  dir.cleanup();
});

describe('happier new', () => {
  let first: Awaited<ReturnType<typeof startClaude>>;

  it('records the session, then starts claude in tmux with a fresh --session-id and the argv intact', async () => {
    const awkward = ['two words', `it's "quoted"`, '$HOME $(id) `id`', 'ends;', ';', 'a\\;', 'line\nbreak', '#{pane_id}', '--', ''];
    first = await startClaude({ FAKE_MARKER: 'from happier' }, ['--title', 'fix the parser', '--', ...awkward]);
    const s = first.session;
    // Claude has the id, but no conversation until the first message.
    expect(s).toMatchObject({ agent: 'claude', backend: 'cli', title: 'fix the parser', cwd: project, active: true, resume: { status: 'no', reason: 'empty' } });
    expect(s.vendorSessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(s.vendorSessionId).not.toBe(s.id);
    expect(first.tmuxSession).toBe(`happier-${s.id.slice(0, 8)}`);
    expect(launches().at(-1)).toMatchObject({
      agent: 'claude',
      argv: ['--session-id', s.vendorSessionId, ...awkward],
      cwd: project,
      marker: 'from happier',
    });
    expect(tmuxSessions()).toContain(first.tmuxSession);
  });

  it('shows the running session as ACTIVE in session list, from the live tmux server', async () => {
    const list = (await json(['session', 'list'])).body.data.sessions;
    expect(list.find((s: { id: string }) => s.id === first.session.id).active).toBe(true);
    const active = (await json(['session', 'list', '--active'])).body.data.sessions.map((s: { id: string }) => s.id);
    expect(active).toEqual([first.session.id]);
    const table = await run(['session', 'list']);
    expect(table.stdout.split('\n').find((l) => l.startsWith(first.session.id.slice(0, 8)))).toMatch(/\byes\s+no\(empty\)\s/);
  });

  it('RESUME turns yes once the provider has the first message', async () => {
    await firstMessage(first.tmuxSession, first.session.id);
    const table = await run(['session', 'list']);
    expect(table.stdout.split('\n').find((l) => l.startsWith(first.session.id.slice(0, 8)))).toMatch(/\byes\s+yes\s/);
  });

  it('attaches from a plain terminal (a pane of another tmux server) with attach-session', async () => {
    tmux(clientSock, 'new-session', '-d', '-s', 'outside', '-x', '100', '-y', '30', '--', ...happierArgv(['attach', first.session.id.slice(0, 8)]));
    await waitFor('a client on the session', () => tmux(sock, 'list-clients', '-F', '#{client_session}').includes(first.tmuxSession));
    tmux(sock, 'detach-client', '-s', `=${first.tmuxSession}`);
    await waitFor('happier attach to return', () => !tmux(clientSock, 'list-sessions').includes('outside'));
    expect(tmuxSessions()).toContain(first.tmuxSession);
  });

  it('switches the client it runs in when run inside a pane of the same tmux server', async () => {
    tmux(sock, 'new-session', '-d', '-s', 'work', '-x', '100', '-y', '30', '--', 'sh');
    tmux(clientSock, 'new-session', '-d', '-s', 'viewer', '-x', '100', '-y', '30', '--', 'env', '-u', 'TMUX', 'tmux', '-S', sock, 'attach-session', '-t', '=work');
    await waitFor('the viewer to attach to work', () => tmux(sock, 'list-clients', '-F', '#{client_session}').includes('work'));
    const line = ['env', ...happierArgv(['attach', first.session.id]).slice(3)].map((w) => `'${w}'`).join(' ');
    tmux(sock, 'send-keys', '-t', '=work:', '-l', line);
    tmux(sock, 'send-keys', '-t', '=work:', 'Enter');
    await waitFor('the client to switch', () => tmux(sock, 'list-clients', '-F', '#{client_session}').trim() === first.tmuxSession).catch((err) => {
      throw new Error(`${err.message}; the pane shows:\n${tmux(sock, 'capture-pane', '-p', '-t', '=work:')}`);
    });
    tmux(sock, 'kill-session', '-t', '=work');
    tmux(clientSock, 'kill-server');
  });

  it('refuses to attach without a terminal, and says so', async () => {
    const r = await json(['attach', first.session.id]);
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'NOT_ATTACHABLE', reason: 'no-terminal' });
  });

  it('inside a pane of another tmux server, attaches nested there instead of refusing', async () => {
    // No `-u TMUX`: happier runs in that pane with $TMUX naming the other server.
    const inside = ['env', ...happierArgv(['attach', first.session.id]).slice(3)];
    tmux(clientSock, 'new-session', '-d', '-s', 'elsewhere', '-x', '100', '-y', '30', '--', ...inside);
    await waitFor('a nested client on the session', () => tmux(sock, 'list-clients', '-F', '#{client_session}').includes(first.tmuxSession));
    tmux(sock, 'detach-client', '-s', `=${first.tmuxSession}`);
    await waitFor('happier attach to return', () => !tmux(clientSock, 'list-sessions').includes('elsewhere'));
    expect(tmuxSessions()).toContain(first.tmuxSession);
  });

  it('stop asks the provider to quit first', async () => {
    const r = await json(['stop', first.session.id]);
    expect(r.body).toEqual({ v: 1, ok: true, kind: 'stop', data: { id: first.session.id, stopped: true, outcome: 'graceful' } });
    expect(tmuxSessions()).not.toContain(first.tmuxSession);
    expect((await show(first.session.id)).active).toBe(false);
    const again = await json(['stop', first.session.id]);
    expect(again.body.data).toEqual({ id: first.session.id, stopped: false, outcome: 'not-running' });
  });

  it('stop falls back to SIGINT, then closes the tmux session', async () => {
    const deaf = await startClaude({ FAKE_MODE: 'deaf' });
    expect((await json(['stop', deaf.session.id])).body.data.outcome).toBe('interrupted');
    const stubborn = await startClaude({ FAKE_MODE: 'stubborn' });
    const pid = launches().at(-1)!.pid;
    expect((await json(['stop', stubborn.session.id])).body.data.outcome).toBe('killed');
    expect(tmuxSessions()).not.toContain(stubborn.tmuxSession);
    await waitFor('the stubborn provider to be gone', () => !alive(pid), 3000);
    expect((await show(stubborn.session.id)).active).toBe(false);
  });

  it('attach on a stopped session points to resume', async () => {
    const r = await run(['attach', first.session.id]);
    expect(r.code).toBe(1);
    const short = first.session.id.slice(0, 8);
    expect(r.stderr).toBe(`error: session ${short} is not running\nhint: reopen it with \`happier resume ${short}\`\n`);
  });

  it('resume reopens the same vendor session from its cwd', async () => {
    const before = await show(first.session.id);
    const r = await json(['resume', first.session.id.slice(0, 8)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data.session).toMatchObject({ id: first.session.id, vendorSessionId: first.session.vendorSessionId, active: true });
    expect(r.body.data.session.lastActivityAt > before.lastActivityAt).toBe(true);
    expect(launches().at(-1)).toMatchObject({ agent: 'claude', argv: ['--resume', first.session.vendorSessionId], cwd: project });
  });

  it('resume refuses a running session and points to attach', async () => {
    const r = await run(['resume', first.session.id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: session');
    expect(r.stderr).toContain(`hint: happier attach ${first.session.id.slice(0, 8)}`);
    expect((await json(['resume', first.session.id])).body.error.code).toBe('ALREADY_ACTIVE');
    await json(['stop', first.session.id]);
  });

  it("resume fails with PROVIDER_FAILED in the provider's words, and leaves everything as it was", async () => {
    const sessionsBefore = await allIds();
    const before = await show(first.session.id);
    const launched = launches().length;
    const r = await json(['resume', first.session.id], { FAKE_MODE: 'fail' });
    expect(r.code).toBe(1);
    expect(r.body.error.code).toBe('PROVIDER_FAILED');
    // tmux 3.3a now and then loses a dead pane's exit status; the words below are what matter.
    expect([1, null]).toContain(r.body.error.status);
    expect(r.body.error.message).toContain(`No conversation found with session ID: ${first.session.vendorSessionId}`);
    expect(r.body.error.output).toEqual(['Starting up...', `No conversation found with session ID: ${first.session.vendorSessionId}`]);
    expect(launches()).toHaveLength(launched + 1);
    expect(await allIds()).toEqual(sessionsBefore);
    expect(await show(first.session.id)).toEqual(before);
    expect(tmuxSessions()).not.toContain(first.tmuxSession);

    const text = await run(['resume', first.session.id], { FAKE_MODE: 'fail' });
    // The status is left out when tmux lost it (see above); the provider's words never are.
    expect(text.stderr.split('\n')[0]).toMatch(
      new RegExp(
        `^error: claude resume exited right after starting( \\(status 1\\))?: Starting up\\.\\.\\. \\| No conversation found with session ID: ${first.session.vendorSessionId}$`,
      ),
    );
  });

  it('refuses with PROVIDER_LOGIN, starting nothing, on a machine where claude was never run or never logged in', async () => {
    const fresh = join(dir.path, 'fresh-home');
    mkdirSync(fresh, { recursive: true });
    const before = await allIds();
    const launched = launches().length;
    const text = await run(['new', '--detached'], { HOME: fresh });
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      'error: claude has not been set up on this machine (its first-run set-up was never finished)\n' +
        'hint: run `claude` once to log in; it finishes its first-run set-up on the way\n',
    );
    // Onboarding done, but no login and no API key: the same code, the login named.
    writeFileSync(join(fresh, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true }));
    const noLogin = await json(['new', '--detached'], { HOME: fresh });
    expect(noLogin.body.error).toMatchObject({ code: 'PROVIDER_LOGIN', gap: 'login', hint: 'run `claude` once to log in (or set ANTHROPIC_API_KEY)' });
    expect(launches()).toHaveLength(launched);
    expect(await allIds()).toEqual(before);
    // The resume of an existing session is refused the same way, before anything starts.
    expect((await json(['resume', first.session.id], { HOME: fresh })).body.error.code).toBe('PROVIDER_LOGIN');
    // An API key in the environment is a login, as for claude itself.
    const withKey = await json(['new', '--detached'], { HOME: fresh, ANTHROPIC_API_KEY: 'sk-ant-test' });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(launches()).toHaveLength(launched + 1);
    await json(['stop', withKey.body.data.session.id]);
  });

  it('new fails with PROVIDER_FAILED and keeps no record when the provider dies at once', async () => {
    const before = await allIds();
    const r = await json(['new', '--detached'], { FAKE_MODE: 'fail' });
    expect(r.body.error.code).toBe('PROVIDER_FAILED');
    expect(await allIds()).toEqual(before);
  });
});

describe('happier resume refusals', () => {
  const refusal = async (selector: string, extra: Record<string, string> = {}) => {
    const launched = launches().length;
    const r = await json(['resume', selector], extra);
    expect(r.code).toBe(1);
    expect(launches()).toHaveLength(launched);
    return r.body.error;
  };

  it('ARCHIVED', async () => {
    const { session } = await startClaude();
    await json(['stop', session.id]);
    await run(['session', 'archive', session.id]);
    expect(await refusal(session.id)).toMatchObject({ code: 'ARCHIVED', hint: `bring it back with \`happier session unarchive ${session.id.slice(0, 8)}\` first` });
  });

  it('NOT_RESUMABLE with each reason', async () => {
    expect(await refusal(ids.noVendor)).toMatchObject({ code: 'NOT_RESUMABLE', reason: 'missing-id' });
    expect(await refusal(ids.codexMcp)).toMatchObject({ code: 'NOT_RESUMABLE', reason: 'unsupported' });
    await run(['settings', 'set', 'backends.claude.resume', 'false']);
    expect(await refusal(ids.noVendor)).toMatchObject({ code: 'NOT_RESUMABLE', reason: 'disabled' });
    await run(['settings', 'set', 'backends.claude.enabled', 'false']);
    expect(await refusal(ids.noVendor)).toMatchObject({ code: 'NOT_RESUMABLE', reason: 'off' });
    const disabled = await json(['new', '--detached']);
    expect(disabled.body.error).toMatchObject({ code: 'BACKEND_DISABLED', hint: 'turn it on with `happier settings set backends.claude.enabled true`' });
    await run(['settings', 'reset']);
  });

  it('NOTHING_TO_RESUME for a session that never got a first message, in list, show, resume and send', async () => {
    const { session } = await startClaude();
    await json(['stop', session.id]);
    const short = session.id.slice(0, 8);
    const listed = (await json(['session', 'list'])).body.data.sessions.find((s: { id: string }) => s.id === session.id);
    expect(listed).toMatchObject({ active: false, resume: { status: 'no', reason: 'empty' }, input: { state: 'disabled', reason: 'not-resumable:empty' } });
    const table = await run(['session', 'list']);
    expect(table.stdout.split('\n').find((l) => l.startsWith(short))).toMatch(/\bno\s+no\(empty\)\s/);
    expect((await json(['session', 'list', '--resumable'])).body.data.sessions.map((s: { id: string }) => s.id)).not.toContain(session.id);
    expect((await run(['session', 'show', session.id])).stdout).toMatch(/no\(empty\): the session never got a first message/);

    const launched = launches().length;
    const text = await run(['resume', short]);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      'error: nothing to resume yet: the session never got a first message\n' +
        'hint: start a new session with `happier new --agent claude` and give it a first message\n',
    );
    expect(await refusal(session.id)).toMatchObject({ code: 'NOTHING_TO_RESUME', reason: 'empty' });
    const send = await json(['send', short, 'hello?']);
    expect(send.code).toBe(1);
    expect(send.body.error).toMatchObject({ code: 'NOTHING_TO_RESUME', message: 'nothing to resume yet: the session never got a first message' });
    expect(launches()).toHaveLength(launched);
    expect(tmuxSessions()).not.toContain(`happier-${short}`);
  });

  it('PATH_MISSING', async () => {
    expect(await refusal(ids.goneCwd)).toMatchObject({ code: 'PATH_MISSING', path: join(dir.path, 'deleted') });
  });

  it("another machine's session: resume goes there over ssh -t, so a script gets the line and nothing starts here", async () => {
    const line = (verb: string) => `ssh -t dev@build.lan '$SHELL -lc "happier ${verb} ${ids.elsewhere}"'`;
    expect(await refusal(ids.elsewhere)).toMatchObject({
      code: 'NOT_ATTACHABLE',
      message: 'session aaaa0004 is owned by build-box; reaching it over ssh -t needs a terminal, and this is not one',
      hint: `run it in a terminal: ${line('resume')}`,
    });
    const attach = await run(['attach', ids.elsewhere]);
    expect(attach.code).toBe(1);
    expect(attach.stderr).toContain(`hint: run it in a terminal: ${line('attach')}`);
  });

  it('without an id and without a terminal, points to session list --resumable', async () => {
    const r = await run(['resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('happier session list --resumable');
  });
});

describe('happier new for providers that mint their own id', () => {
  it('learns the OpenCode session id from its database, and resumes it with --session', async () => {
    const r = await json(['new', '--agent', 'opencode', '--detached', '--cwd', project]);
    expect(r.code, r.stderr).toBe(0);
    const s = r.body.data.session;
    expect(s.vendorSessionId).toMatch(/^ses_/);
    expect(launches().at(-1)).toMatchObject({ agent: 'opencode', argv: [], cwd: project });
    expect((await json(['stop', s.id])).body.data.stopped).toBe(true);
    expect((await json(['resume', s.id])).code).toBe(0);
    expect(launches().at(-1)).toMatchObject({ agent: 'opencode', argv: ['--session', s.vendorSessionId], cwd: project });
    await json(['stop', s.id]);
  });

  it('learns the Codex session id from its new rollout, and resumes it with `codex resume`', async () => {
    const r = await json(['new', '--agent', 'codex', '--detached', '--title', 'codex work']);
    expect(r.code, r.stderr).toBe(0);
    const s = r.body.data.session;
    expect(s).toMatchObject({ agent: 'codex', backend: 'app-server', cwd: project, resume: { status: 'yes' } });
    expect(s.vendorSessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    await json(['stop', s.id]);
    expect((await json(['resume', s.id])).code).toBe(0);
    expect(launches().at(-1)).toMatchObject({ agent: 'codex', argv: ['resume', '--no-daemon', s.vendorSessionId], cwd: project });
    await json(['stop', s.id]);
  });

  it('leaves the vendor id empty (no(missing-id)) when none appears in time', async () => {
    const r = await json(['new', '--agent', 'opencode', '--detached'], { FAKE_NO_ID: '1', HAPPIER_VENDOR_ID_TIMEOUT_MS: '1000' });
    const s = r.body.data.session;
    expect(s).toMatchObject({ vendorSessionId: null, resume: { status: 'no', reason: 'missing-id' }, active: true });
    await json(['stop', s.id]);
  });
});

describe('in a terminal', () => {
  const clients = () => tmux(sock, 'list-clients', '-F', '#{client_session}').split('\n').filter(Boolean);

  it('resume without an id offers a picker of resumable sessions, most recent first, then attaches', async () => {
    const resumable = (await json(['session', 'list', '--resumable'])).body.data.sessions as { id: string; lastActivityAt: string }[];
    const newest = [...resumable].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))[0]!;
    tmux(clientSock, 'new-session', '-d', '-s', 'picker', '-x', '150', '-y', '40', '--', ...happierArgv(['resume']));
    const screen = () => tmux(clientSock, 'capture-pane', '-p', '-t', '=picker:');
    await waitFor('the picker', () => screen().includes('Resume which session?'));
    const choices = screen().split('\n').filter((l) => /[0-9a-f]{8}\s+(claude|codex|opencode)/.test(l));
    expect(choices).toHaveLength(resumable.length);
    expect(choices[0]).toContain(newest.id.slice(0, 8));
    tmux(clientSock, 'send-keys', '-t', '=picker:', 'Enter');
    const name = `happier-${newest.id.slice(0, 8)}`;
    await waitFor('the client to attach to the resumed session', () => clients().includes(name));
    expect((await show(newest.id)).active).toBe(true);
    tmux(sock, 'detach-client', '-s', `=${name}`);
    await json(['stop', newest.id]);
    tmux(clientSock, 'kill-server');
  });

  it('Ctrl-C in the resume picker is a cancel: exit 130, no report prompt; the picker rows line up', async () => {
    tmux(clientSock, 'new-session', '-d', '-s', 'cancel', '-x', '150', '-y', '40', '--', 'sh', '-c', '"$@" 2>&1; echo "exit=$?"; sleep 60', 'sh', ...happierArgv(['resume']));
    const screen = () => tmux(clientSock, 'capture-pane', '-p', '-t', '=cancel:');
    await waitFor('the picker', () => screen().includes('Resume which session?'));
    const choices = screen().split('\n').filter((l) => /[0-9a-f]{8}\s+(claude|codex|opencode)/.test(l));
    const titleAt = (l: string) => {
      const m = /(ago|now)\s+/.exec(l)!;
      return m.index + m[0].length;
    };
    expect(choices.length).toBeGreaterThan(1);
    expect(new Set(choices.map(titleAt)).size).toBe(1);
    tmux(clientSock, 'send-keys', '-t', '=cancel:', 'C-c');
    await waitFor('happier to exit', () => screen().includes('exit='));
    expect(screen()).toContain('exit=130');
    expect(screen()).not.toMatch(/unexpected failure|please report/);
    tmux(clientSock, 'kill-session', '-t', '=cancel');
  });

  it('new attaches at once and learns the Codex id while the user is attached', async () => {
    const before = new Set(await allIds());
    tmux(clientSock, 'new-session', '-d', '-s', 'typing', '-x', '150', '-y', '40', '--', ...happierArgv(['new', '--agent', 'codex']));
    await waitFor('a client on a new happier session', () => clients().some((c) => c.startsWith('happier-')));
    const id = (await allIds()).find((i: string) => !before.has(i))!;
    await waitFor('the vendor id', async () => (await show(id)).vendorSessionId !== null);
    expect(clients()).toEqual([`happier-${id.slice(0, 8)}`]);
    tmux(sock, 'detach-client', '-s', `=happier-${id.slice(0, 8)}`);
    await waitFor('happier new to return', () => !tmux(clientSock, 'list-sessions').includes('typing'));
    await json(['stop', id]);
  });
});
