import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../shell/node-process-runner.js';
import { watchEarlyExit } from '../../../shell/tmux/tmux-early-exit.js';
import { launchInTmux } from '../../../shell/tmux/tmux-launch.js';
import { listPanes, liveSessionNames, type TmuxServer } from '../../../shell/tmux/tmux-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startPane } from '../../helpers/tmux-pane.js';

const dir = tempDir('happier-tmux-');
const server: TmuxServer = { bin: 'tmux', socket: join(dir.path, 'tmux.sock') };
const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

const recorder = join(dir.path, 'record.mjs');
writeFileSync(
  recorder,
  `#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
writeFileSync(process.env.OUT, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), awkward: process.env.AWKWARD, tmux: process.env.TMUX ?? null }));
if (process.env.EXIT_WITH) { console.error('it went wrong: ' + process.argv[2]); process.exit(Number(process.env.EXIT_WITH)); }
setInterval(() => {}, 60000);
`,
);
chmodSync(recorder, 0o755);

const waitFor = async (check: () => boolean, ms = 5000) => {
  for (const until = Date.now() + ms; Date.now() < until; await clock.sleep(25)) if (check()) return;
  throw new Error('timed out');
};
const readJson = (path: string) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
};

afterAll(() => {
  try {
    execFileSync('tmux', ['-S', server.socket!, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  dir.cleanup();
});

describe('launching in tmux', () => {
  it('passes argv, cwd and env through exactly, with no shell in between', async () => {
    const awkward = [
      'two words',
      `it's "quoted"`,
      '$HOME and $(touch pwned) and `id`',
      'ends with;',
      ';',
      'ends with \\;',
      'line one\nline two',
      '#{session_name} #[fg=red]',
      '{',
      '--',
      '',
      '*',
    ];
    const cwd = join(dir.path, 'we#ird dir; $x');
    mkdirSync(cwd);
    const out = join(dir.path, 'out.json');
    await launchInTmux(nodeProcessRunner, server, {
      sessionName: 'happier-argv0001',
      cwd,
      argv: [recorder, ...awkward],
      env: { PATH: process.env.PATH, OUT: out, AWKWARD: 'a=b; $c\nd', TMUX: '/elsewhere,1,0' },
    });
    await waitFor(() => readJson(out) !== null);
    expect(readJson(out)).toEqual({ argv: awkward, cwd, awkward: 'a=b; $c\nd', tmux: expect.stringContaining(server.socket!) });
    expect(liveSessionNames(await listPanes(nodeProcessRunner, server)).has('happier-argv0001')).toBe(true);
    expect(await watchEarlyExit(nodeProcessRunner, server, 'happier-argv0001', { windowMs: 200, clock })).toEqual({
      kind: 'running',
      server: { pid: expect.any(Number), startTime: expect.any(Number) },
    });
  });

  it('keeps what a program said when it exits at once, then removes its session', async () => {
    await launchInTmux(nodeProcessRunner, server, {
      sessionName: 'happier-fail0001',
      cwd: dir.path,
      argv: [recorder, 'no such conversation'],
      env: { PATH: process.env.PATH, OUT: join(dir.path, 'fail.json'), EXIT_WITH: '3' },
    });
    const result = await watchEarlyExit(nodeProcessRunner, server, 'happier-fail0001', { windowMs: 3000, clock });
    // tmux 3.3a now and then marks a pane dead without ever recording its exit status;
    // the provider's words are what a user needs, and those must always be there.
    const { status, ...rest } = result as { status: number | null };
    expect(rest).toEqual({ kind: 'exited', output: ['it went wrong: no such conversation'] });
    expect([3, null]).toContain(status);
    expect([...liveSessionNames(await listPanes(nodeProcessRunner, server))]).not.toContain('happier-fail0001');
    expect((await listPanes(nodeProcessRunner, server)).map((p) => p.sessionName)).not.toContain('happier-fail0001');
  });
});

describe('launching twice under one name', () => {
  it('is ALREADY_ACTIVE, not a tmux failure, when another start got there first', async () => {
    const launch = { sessionName: 'happier-twice001', cwd: dir.path, argv: [recorder], env: { PATH: process.env.PATH, OUT: join(dir.path, 'twice.json') } };
    await launchInTmux(nodeProcessRunner, server, launch);
    await expect(launchInTmux(nodeProcessRunner, server, launch)).rejects.toMatchObject({ code: 'ALREADY_ACTIVE' });
  });
});

describe("the status line of happier's tmux session", () => {
  it('shows the whole happier-<shortid> and the title to a real client, where tmux cut it to `[happier-6`', async () => {
    const title = 'fix the flaky login test in ünïcode';
    await launchInTmux(nodeProcessRunner, server, {
      sessionName: 'happier-6f00ba12',
      cwd: dir.path,
      argv: [recorder],
      env: { PATH: process.env.PATH, OUT: join(dir.path, 'status.json') },
      title,
    });
    const tmux = (...args: string[]) => execFileSync('tmux', ['-u', '-S', server.socket!, ...args], { encoding: 'utf8' }).replace(/\n$/, '');
    const expanded = tmux('display-message', '-p', '-t', '=happier-6f00ba12:', '#{T:status-left}');
    expect(expanded).toBe(`[happier-6f00ba12] ${title} `);
    expect(Number(tmux('show-options', '-v', '-t', '=happier-6f00ba12:', 'status-left-length'))).toBeGreaterThanOrEqual([...expanded].length);
    // Only this session's status line changes; the server's default stays tmux's own.
    expect(tmux('show-options', '-gv', 'status-left-length')).toBe('10');

    // A real client in an 80-column terminal (a pane of another tmux server) draws it.
    const outer = startPane({ argv: ['tmux', '-u', '-S', server.socket!, 'attach', '-t', '=happier-6f00ba12:'], env: { LANG: 'C.UTF-8' }, cols: 80, rows: 10 });
    try {
      const screen = await outer.waitFor((s) => s.includes('[happier-6'));
      const rows = screen.replace(/\n+$/, '').split('\n');
      // The inner client's status line is the last row of its 10-row terminal.
      expect(rows).toHaveLength(10);
      expect(rows.at(-1)).toContain(`[happier-6f00ba12] ${title}`);
    } finally {
      outer.kill();
    }
  });
});
