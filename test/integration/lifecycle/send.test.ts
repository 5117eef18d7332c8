import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHappier } from '../../helpers/run-happier.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

// Issue 14, `happier send`: the next message reaches the provider as a real user turn,
// through a real tmux server and the fake claude's transcript, and never twice.

const dir = tempDir('happier-send-');
const sock = join(dir.path, 'happier.sock');
const project = join(dir.path, 'project');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const log = join(dir.path, 'fake.jsonl');
const env: Record<string, string> = {
  HAPPIER_HOME: join(dir.path, 'happier'),
  HOME: dir.path,
  NO_COLOR: '1',
  HAPPIER_TMUX_SOCKET: sock,
  HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
  FAKE_LOG: log,
  HAPPIER_START_WATCH_MS: '500',
  HAPPIER_STOP_STEP_MS: '500',
  HAPPIER_SEND_CONFIRM_MS: '5000',
};

interface Logged {
  argv?: string[];
  pid: number;
  turn?: string;
}
const logged = (): Logged[] => {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Logged);
  } catch {
    return [];
  }
};
const launches = () => logged().filter((l) => l.argv);
const turns = () => logged().flatMap((l) => (l.turn === undefined ? [] : [l.turn]));
const run = (args: string[], extra: Record<string, string> = {}, input?: string) =>
  runHappier(args, { ...env, ...extra }, { cwd: project, ...(input !== undefined ? { input } : {}) });
const json = async (args: string[], extra: Record<string, string> = {}, input?: string) => {
  const r = await run([...args, '--json'], extra, input);
  return { code: r.code, stderr: r.stderr, body: JSON.parse(r.stdout) };
};
const transcriptLines = (): { type: string; message: { content: unknown } }[] => {
  const projects = join(dir.path, '.claude', 'projects');
  return readdirSync(projects).flatMap((slug) =>
    readdirSync(join(projects, slug))
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(projects, slug, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l))),
  );
};
const inputOf = async (id: string) => (await json(['session', 'show', id])).body.data.session.input;

let id = '';
let vendorId = '';

beforeAll(async () => {
  mkdirSync(project);
  claudeSetUp(env);
  const r = await json(['new', '--detached', '--cwd', project]);
  expect(r.code, r.stderr).toBe(0);
  id = r.body.data.session.id;
  vendorId = r.body.data.session.vendorSessionId;
});

afterAll(() => {
  try {
    execFileSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  for (const l of launches()) {
    try {
      process.kill(l.pid, 'SIGKILL');
    } catch {
      // exited
    }
  }
  dir.cleanup();
});

describe('happier send to a running session', () => {
  it('shows input enabled because it runs', async () => {
    expect(await inputOf(id)).toEqual({ state: 'enabled', reason: 'running' });
  });

  it('pastes the text as one user turn and, with --wait, prints the reply', async () => {
    const r = await run(['send', id.slice(0, 8), 'please', 'fix the parser', '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Fake reply 1 to: please fix the parser\n');
    expect(r.stderr).toContain(`sent the message to ${id.slice(0, 8)}`);
    expect(turns()).toEqual(['please fix the parser']);
  });

  it('delivers multi-line text from stdin whole, as one turn', async () => {
    const text = 'first line\nsecond line\n\nfourth after a blank';
    const r = await json(['send', id, '-', '--wait'], {}, text + '\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data).toMatchObject({ sessionId: id, vendorSessionId: vendorId, delivery: 'pasted', queued: false });
    expect(r.body.data.reply.text).toBe(`Fake reply 2 to: ${text}`);
    expect(turns().at(-1)).toBe(text);
    const users = transcriptLines().filter((l) => l.type === 'user');
    expect(users.map((l) => l.message.content)).toEqual(['please fix the parser', text]);
  });

  it('never delivers the same send id twice', async () => {
    const first = await json(['send', id, 'only once please', '--send-id', 'retry-1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.body.data.delivery).toBe('pasted');
    const again = await json(['send', id, 'only once please', '--send-id', 'retry-1', '--wait']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.body.data.delivery).toBe('duplicate');
    // The retry under --wait still gets the reply to the first delivery.
    expect(again.body.data.reply.text).toBe('Fake reply 3 to: only once please');
    expect(turns().filter((t) => t === 'only once please')).toHaveLength(1);
  });

  it('refuses with BUSY under --no-queue while the provider is mid-turn, and sends nothing', async () => {
    // A provider started with a slow reply stays mid-turn after the first message.
    expect((await run(['stop', id])).code).toBe(0);
    const busyEnv = { FAKE_REPLY_MS: '8000' };
    const started = await json(['send', id, 'a slow one'], busyEnv);
    expect(started.code, started.stderr).toBe(0);
    expect(started.body.data.delivery).toBe('resumed');
    const before = turns().length;
    const r = await json(['send', id, 'not now', '--no-queue'], busyEnv);
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'BUSY' });
    expect(r.body.error.hint).toContain('--no-queue');
    expect(turns()).toHaveLength(before);
  });
});

describe('happier send to an inactive session', () => {
  it('resumes the same vendor conversation first, detached, then delivers', async () => {
    expect((await run(['stop', id])).code).toBe(0);
    expect(await inputOf(id)).toEqual({ state: 'enabled', reason: 'resumable' });
    const launchesBefore = launches().length;
    const r = await json(['send', id, 'carry on', '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.data).toMatchObject({ delivery: 'resumed', vendorSessionId: vendorId });
    expect(r.body.data.reply.text).toBe('Fake reply 1 to: carry on');
    const started = launches().slice(launchesBefore);
    expect(started.map((l) => l.argv)).toEqual([['--resume', vendorId]]);
    expect(await inputOf(id)).toEqual({ state: 'enabled', reason: 'running' });
  });

  it('says why input is disabled, and sends nothing, when resume is turned off', async () => {
    expect((await run(['stop', id])).code).toBe(0);
    expect((await run(['settings', 'set', 'backends.claude.resume', 'false'])).code).toBe(0);
    try {
      expect(await inputOf(id)).toEqual({ state: 'disabled', reason: 'not-resumable:disabled' });
      const launchesBefore = launches().length;
      const r = await json(['send', id, 'hello?']);
      expect(r.code).toBe(1);
      expect(r.body.error).toMatchObject({ code: 'NOT_RESUMABLE', reason: 'disabled' });
      expect(launches()).toHaveLength(launchesBefore);
    } finally {
      await run(['settings', 'set', 'backends.claude.resume', 'true']);
    }
  });

  it('refuses an archived session with ARCHIVED and a hint', async () => {
    expect((await run(['session', 'archive', id])).code).toBe(0);
    expect(await inputOf(id)).toEqual({ state: 'disabled', reason: 'archived' });
    const r = await json(['send', id, 'hello?']);
    expect(r.code).toBe(1);
    expect(r.body.error.code).toBe('ARCHIVED');
    expect(r.body.error.hint).toContain('unarchive');
    expect((await run(['session', 'unarchive', id])).code).toBe(0);
  });

  it('is a usage error with exit 2 when there is no text', async () => {
    const r = await run(['send', id], {}, '');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('empty');
  });
});
