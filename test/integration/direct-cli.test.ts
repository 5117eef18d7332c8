import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHappier } from '../helpers/run-happier.js';
import { tempDir } from '../helpers/temp-dir.js';

// The `direct` commands run as a user runs them: the built binary against a Claude root
// of real-shaped transcripts (plus one hand-made bad file), with its own HAPPIER_HOME.
const dir = tempDir('happier-direct-cli-');
const claudeRoot = join(dir.path, 'claude');
const env = {
  HAPPIER_HOME: join(dir.path, 'happier'),
  HOME: dir.path,
  CLAUDE_CONFIG_DIR: claudeRoot,
  CODEX_HOME: join(dir.path, 'codex'),
  XDG_DATA_HOME: join(dir.path, 'xdg'),
  NO_COLOR: '1',
};
const run = (...args: string[]) => runHappier(args, env);
const json = async (...args: string[]) => {
  const r = await run(...args);
  return { ...r, body: JSON.parse(r.stdout) };
};

const cwdA = join(dir.path, 'work', 'my project');
const cwdB = join(dir.path, 'work', 'ünïcode');
const idA = randomUUID();
const idB = randomUUID();
const idBusy = randomUUID();

function record(id: string, cwd: string, type: 'user' | 'assistant', body: unknown, at: string): string {
  const message = type === 'user' ? { role: 'user', content: body } : { id: `msg_${randomUUID()}`, type: 'message', role: 'assistant', content: body };
  return JSON.stringify({ parentUuid: null, isSidechain: false, type, message, uuid: randomUUID(), timestamp: at, userType: 'external', cwd, sessionId: id, version: '2.1.197' });
}

function writeSession(id: string, cwd: string, lines: string[]): string {
  const folder = join(claudeRoot, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'));
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${id}.jsonl`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

let pathA: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  pathA = writeSession(idA, cwdA, [
    record(idA, cwdA, 'user', 'fix the flaky login test', '2026-11-20T10:00:00.000Z'),
    record(idA, cwdA, 'assistant', [{ type: 'text', text: 'Running it.' }, { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }], '2026-11-20T10:00:01.000Z'),
    record(idA, cwdA, 'user', [{ tool_use_id: 't1', type: 'tool_result', content: 'ok' }], '2026-11-20T10:00:02.000Z'),
    record(idA, cwdA, 'assistant', [{ type: 'text', text: 'All green.' }], '2026-11-20T10:00:03.000Z'),
  ]);
  // Garbage and a half-written last line: still listed.
  writeSession(idB, cwdB, ['not json', record(idB, cwdB, 'user', 'second session', '2026-11-21T10:00:00.000Z'), '{"type":"assistant","mess']);
  writeSession(idBusy, cwdA, [record(idBusy, cwdA, 'user', 'busy one', '2026-11-19T10:00:00.000Z')]);
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  dir.cleanup();
});

describe('happier direct', () => {
  it('lists the provider sessions as JSON, newest first, quietly', async () => {
    const r = await json('direct', 'list', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.body).toMatchObject({ v: 1, ok: true, kind: 'direct_list' });
    const rows = r.body.data.directSessions;
    expect(rows.map((s: { vendorSessionId: string }) => s.vendorSessionId)).toEqual([idB, idA, idBusy]);
    expect(rows[1]).toEqual({
      agent: 'claude',
      vendorSessionId: idA,
      cwd: cwdA,
      title: 'fix the flaky login test',
      updatedAt: '2026-11-20T10:00:03.000Z',
      sizeBytes: statSync(pathA).size,
      messageCount: 4,
      takenOver: null,
      path: pathA,
    });
    expect(rows[0]).toMatchObject({ cwd: cwdB, title: 'second session', messageCount: 1 });
  });

  it('prints a table that fits the width', async () => {
    const r = await runHappier(['direct', 'list', '--agent', 'claude'], { ...env, COLUMNS: '100' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AGENT\s+VENDOR-ID\s+UPDATED\s+MSGS\s+SIZE\s+TAKEN\s+TITLE\s+PATH$/);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100);
    expect(r.stdout).toContain(idA);
  });

  it('shows one session with its latest messages', async () => {
    const r = await json('direct', 'show', idA, '--messages', '2', '--json');
    expect(r.code).toBe(0);
    expect(r.body.data.directSession).toMatchObject({ vendorSessionId: idA, messageCount: 4 });
    expect(r.body.data.messages).toEqual([
      { role: 'tool', text: 'ok', toolSummary: null, at: '2026-11-20T10:00:02.000Z' },
      { role: 'assistant', text: 'All green.', toolSummary: null, at: '2026-11-20T10:00:03.000Z' },
    ]);
    const text = await run('direct', 'show', idA, '--messages', '3');
    expect(text.stdout).toContain('Bash(npm test)');
    expect(text.stdout).toContain('fix the flaky login test');
  });

  it('rejects a malformed id as a usage error and an unknown one as NOT_FOUND', async () => {
    const bad = await json('direct', 'show', '--json', '../../etc/passwd');
    expect(bad.code).toBe(2);
    expect(bad.body.error.code).toBe('USAGE');
    const missing = await json('direct', 'takeover', randomUUID(), '--json');
    expect(missing.code).toBe(1);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('takes a session over without touching its files, once', async () => {
    const before = createHash('sha256').update(readFileSync(pathA)).digest('hex');
    const mtime = statSync(pathA).mtimeMs;
    const r = await json('direct', 'takeover', idA, '--json');
    expect(r.code).toBe(0);
    const session = r.body.data.session;
    expect(session).toMatchObject({ agent: 'claude', backend: 'cli', vendorSessionId: idA, cwd: cwdA, title: 'fix the flaky login test', resume: { status: 'yes' }, ownerEpoch: 0 });
    expect(session.id).not.toBe(idA);

    const list = await json('session', 'list', '--json');
    expect(list.body.data.sessions.map((s: { id: string }) => s.id)).toContain(session.id);
    const direct = await json('direct', 'list', '--json');
    expect(direct.body.data.directSessions.find((s: { vendorSessionId: string }) => s.vendorSessionId === idA).takenOver).toBe(session.id);

    const again = await run('direct', 'takeover', idA);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already taken over as ${session.id}`);
    expect(createHash('sha256').update(readFileSync(pathA)).digest('hex')).toBe(before);
    expect(statSync(pathA).mtimeMs).toBe(mtime);

    const shown = await json('session', 'show', session.id, '--messages', '1', '--json');
    expect(shown.body.data.messages).toEqual([{ role: 'assistant', text: 'All green.', toolSummary: null, at: '2026-11-20T10:00:03.000Z' }]);
    const text = await run('session', 'show', session.id.slice(0, 8), '--messages', '2');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/latest 2 messages:\ntool .*\n  ok\nassistant .*\n  All green\.\n$/);
    const bad = await run('session', 'show', session.id, '--messages', 'many');
    expect(bad.code).toBe(2);
  });

  // Stand-ins for a provider, honest about what they prove: the rule judges a process by
  // what it executes (a binary named `claude`, or a script named `claude` run by node) and
  // by what it holds, not by what its argv mentions. A copy of sleep named `claude` is no
  // Claude, but /proc shows it exactly as it shows the native one.
  function standInBinary(): string {
    const bin = join(dir.path, 'native-bin');
    mkdirSync(bin, { recursive: true });
    const path = join(bin, 'claude');
    copyFileSync('/bin/sleep', path);
    chmodSync(path, 0o755);
    return path;
  }
  function standInScript(): string {
    const bin = join(dir.path, 'script-bin');
    mkdirSync(bin, { recursive: true });
    const path = join(bin, 'claude');
    writeFileSync(path, `#!${process.execPath}\nsetTimeout(() => {}, 600000);\n`, { mode: 0o755 });
    return path;
  }
  async function started(cmd: string, args: string[]): Promise<ChildProcess> {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    children.push(child);
    await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    return child;
  }
  async function stopped(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
  /** Waits until /proc shows the process with `path` open, so no check runs before the fact it checks. */
  async function holdsOpen(pid: number, path: string): Promise<void> {
    for (let i = 0; i < 200; i += 1) {
      try {
        if (readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkOrEmpty(`/proc/${pid}/fd/${fd}`) === path)) return;
      } catch {
        // not there yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`process ${pid} never opened ${path}`);
  }
  function readlinkOrEmpty(p: string): string {
    try {
      return readlinkSync(p);
    } catch {
      return '';
    }
  }
  async function argvIs(pid: number, expected: string[]): Promise<void> {
    for (let i = 0; i < 200; i += 1) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (JSON.stringify(argv) === JSON.stringify(expected)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`process ${pid} never ran ${expected.join(' ')}`);
  }

  it('takes a session over while readers and processes naming its id run, never while its provider does (issue 13)', async () => {
    const transcript = join(claudeRoot, 'projects', cwdA.replace(/[^A-Za-z0-9]/g, '-'), `${idBusy}.jsonl`);
    // Readers and mentioners: tail -f, a shell holding the file read-only as an editor
    // would, a node process with `claude --resume <id>` in its argv (what this test used
    // to call a provider), and a shell line of `ssh host happier direct takeover <id>`.
    const tail = await started('tail', ['-f', transcript]);
    const reader = await started('sh', ['-c', 'exec 3<"$1"; exec sleep 600', 'reader', transcript]);
    const mentioner = await started(process.execPath, ['-e', 'setTimeout(() => {}, 600000)', 'claude', '--resume', idBusy]);
    const sshLine = await started('sh', ['-c', `sleep 600; : ssh mb happier direct takeover ${idBusy}`]);
    await holdsOpen(tail.pid!, transcript);
    await holdsOpen(reader.pid!, transcript);

    // A provider binary holding the transcript open for append, as Codex holds its rollout.
    const native = standInBinary();
    const writer = await started('sh', ['-c', 'exec 3>>"$1"; exec "$2" 600', 'writer', transcript, native]);
    await argvIs(writer.pid!, [native, '600']);
    await holdsOpen(writer.pid!, transcript);
    const byFd = await json('direct', 'takeover', idBusy, '--json');
    expect(byFd.code).toBe(1);
    expect(byFd.body.error).toMatchObject({ code: 'ALREADY_ACTIVE', pid: writer.pid, reason: 'open-for-write' });
    await stopped(writer);

    // A node-run provider script resuming the session by its argv.
    const script = standInScript();
    const resumer = await started(script, ['--resume', idBusy]);
    await argvIs(resumer.pid!, [process.execPath, script, '--resume', idBusy]);
    const byArgv = await json('direct', 'takeover', idBusy, '--json');
    expect(byArgv.code).toBe(1);
    expect(byArgv.body.error).toMatchObject({ code: 'ALREADY_ACTIVE', pid: resumer.pid, reason: 'command-line' });
    await stopped(resumer);

    // The readers and mentioners are all still running, and block nothing.
    for (const c of [tail, reader, mentioner, sshLine]) expect(c.exitCode).toBeNull();
    const ok = await json('direct', 'takeover', idBusy, '--json');
    expect(ok.code).toBe(0);
    for (const c of [tail, reader, mentioner, sshLine]) await stopped(c);
  });

  it("refuses while Claude's own process record for the session names a live Claude, not a reused pid", async () => {
    const id = randomUUID();
    writeSession(id, cwdA, [record(id, cwdA, 'user', 'recorded one', '2026-11-18T10:00:00.000Z')]);
    mkdirSync(join(claudeRoot, 'sessions'), { recursive: true });
    // A stale record whose pid now belongs to some other program blocks nothing.
    const other = await started('sleep', ['600']);
    writeFileSync(join(claudeRoot, 'sessions', `${other.pid}.json`), JSON.stringify({ pid: other.pid, sessionId: id, cwd: cwdA, status: 'idle' }));
    // An interactive `claude` started without the id on its command line still records it here.
    const script = standInScript();
    const claude = await started(script, []);
    await argvIs(claude.pid!, [process.execPath, script]);
    writeFileSync(join(claudeRoot, 'sessions', `${claude.pid}.json`), JSON.stringify({ pid: claude.pid, sessionId: id, cwd: cwdA, status: 'idle' }));
    const r = await json('direct', 'takeover', id, '--json');
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'ALREADY_ACTIVE', pid: claude.pid, reason: 'provider-record' });
    await stopped(claude);
    const ok = await json('direct', 'takeover', id, '--json');
    expect(ok.code).toBe(0);
    await stopped(other);
  });
});

describe('happier direct list over all three providers', () => {
  it('finds the sessions the real Claude, Codex and OpenCode CLIs wrote', async () => {
    const real = fileURLToPath(new URL('../fixtures/real/', import.meta.url));
    const ids = JSON.parse(readFileSync(join(real, 'sessions.json'), 'utf8'));
    const base = join(dir.path, 'real');
    cpSync(join(real, 'claude'), join(base, 'claude'), { recursive: true });
    cpSync(join(real, 'codex'), join(base, 'codex'), { recursive: true });
    mkdirSync(join(base, 'xdg', 'opencode'), { recursive: true });
    cpSync(join(real, 'opencode', 'opencode.db'), join(base, 'xdg', 'opencode', 'opencode.db'));
    const r = await runHappier(['direct', 'list', '--json'], {
      ...env,
      HAPPIER_HOME: join(base, 'happier'),
      CLAUDE_CONFIG_DIR: join(base, 'claude'),
      CODEX_HOME: join(base, 'codex'),
      XDG_DATA_HOME: join(base, 'xdg'),
    });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.data.warnings).toEqual([]);
    const found = body.data.directSessions.map((s: { agent: string; vendorSessionId: string; cwd: string }) => [s.agent, s.vendorSessionId, s.cwd]);
    for (const agent of ['claude', 'codex', 'opencode']) {
      expect(found).toContainEqual([agent, ids[agent].vendorSessionId, '/home/dev/project']);
    }
  });
});
