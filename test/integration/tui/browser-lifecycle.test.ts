import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/store/registry.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startPane, type TmuxPane } from '../../helpers/tmux-pane.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

// The browser driving the real lifecycle: a hand-made Claude transcript is taken over on
// the Direct tab, resumed with Enter (a fake claude in happier's own tmux server), and the
// browser comes back when the user detaches.
const dir = tempDir('happier-tui-life-');
const claudeRoot = join(dir.path, 'claude');
const happierSock = join(dir.path, 'happier.sock');
const project = join(dir.path, 'work', 'shop');
const launchLog = join(dir.path, 'launches.jsonl');
const fakeClaude = fileURLToPath(new URL('../lifecycle/fixtures/fake-claude.mjs', import.meta.url));
const env = {
  HAPPIER_HOME: join(dir.path, 'happier'),
  HOME: dir.path,
  CLAUDE_CONFIG_DIR: claudeRoot,
  CODEX_HOME: join(dir.path, 'codex'),
  XDG_DATA_HOME: join(dir.path, 'xdg'),
  HAPPIER_TMUX_SOCKET: happierSock,
  HAPPIER_CLAUDE_BIN: fakeClaude,
  FAKE_LOG: launchLog,
  HAPPIER_START_WATCH_MS: '500',
  HAPPIER_STOP_STEP_MS: '500',
  NO_COLOR: '1',
  LANG: 'C.UTF-8',
  PATH: process.env.PATH ?? '/usr/bin:/bin',
};
const vendorId = randomUUID();

function record(type: 'user' | 'assistant', body: unknown, at: string): string {
  const message = type === 'user' ? { role: 'user', content: body } : { id: `msg_${randomUUID()}`, type: 'message', role: 'assistant', content: body };
  return JSON.stringify({ parentUuid: null, isSidechain: false, type, message, uuid: randomUUID(), timestamp: at, userType: 'external', cwd: project, sessionId: vendorId, version: '2.1.197' });
}

let pane: TmuxPane;

beforeAll(() => {
  mkdirSync(project, { recursive: true });
  claudeSetUp(env);
  const folder = join(claudeRoot, 'projects', project.replace(/[^A-Za-z0-9]/g, '-'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, `${vendorId}.jsonl`),
    [
      record('user', 'add a checkout page', '2026-11-20T10:00:00.000Z'),
      record('assistant', [{ type: 'text', text: 'Added the checkout page with a summary.' }], '2026-11-20T10:00:03.000Z'),
    ].join('\n') + '\n',
  );
  openRegistry(env.HAPPIER_HOME, { machineName: 'laptop' }).close();
  // The browser runs in a pane of the test's own tmux server; without $TMUX that is a plain terminal to happier.
  pane = startPane({ argv: ['env', '-u', 'TMUX', process.execPath, HAPPIER_BIN], env, cols: 100, rows: 30, cwd: project });
});
afterAll(() => {
  pane?.kill();
  try {
    execFileSync('tmux', ['-S', happierSock, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // no sessions were left running
  }
  dir.cleanup();
});

const status = (screen: string) => screen.split('\n')[29] ?? '';
const launches = () => readFileSync(launchLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
const detach = () => execFileSync('tmux', ['-S', happierSock, 'detach-client', '-s', `happier-${happierId}`], { stdio: 'ignore' });
const clients = () => {
  try {
    return execFileSync('tmux', ['-S', happierSock, 'list-clients', '-F', '#{client_session}'], { encoding: 'utf8' });
  } catch {
    return '';
  }
};
/** The browser's pane now holds a tmux client of happier's server, on the session. */
const attachedTo = (id: string) => () => clients().includes(`happier-${id}`);
let happierId = '';

describe('the browser with the session lifecycle', () => {
  it('shows a provider session on the Direct tab with its transcript, and takes it over', async () => {
    pane.send('2');
    let screen = await pane.waitFor(/claude\s+add a checkout page/);
    screen = await pane.waitFor('Added the checkout page with a summary.');
    expect(screen).toMatch(/claude\s+add a checkout page\s+~\/work\/shop\s+\S+ ago\s+2\s+direct/);
    pane.send('t');
    screen = await pane.waitFor((s) => status(s).includes('took over'));
    happierId = /as ([0-9a-f]{8})/.exec(status(screen))![1]!;
    await pane.waitFor(/add a checkout page.*synced/);
    const listed = JSON.parse((await runHappier(['session', 'list', '--json'], env)).stdout).data.sessions;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ vendorSessionId: vendorId, cwd: project });
    expect(listed[0].id.startsWith(happierId)).toBe(true);
  });

  it('resumes with Enter, hands the terminal to tmux, and comes back on detach', async () => {
    pane.send('1');
    await pane.waitFor(/claude\s+add a checkout page.*no\s+yes/);
    pane.send('Enter');
    await pane.waitFor(attachedTo(happierId));
    expect(launches().at(-1)).toMatchObject({ argv: ['--resume', vendorId], cwd: project });
    detach();
    await pane.waitFor((s) => status(s).includes(`resumed ${happierId}; back from ${happierId}`));
    await pane.waitFor(/claude\s+add a checkout page.*yes\s+yes/);
  });

  it('attaches to the running session with Enter and returns again', async () => {
    pane.send('Enter');
    await pane.waitFor(attachedTo(happierId));
    detach();
    await pane.waitFor((s) => status(s).includes(`attached; back from ${happierId}`));
  });

  it('stops it after asking', async () => {
    pane.send('s');
    await pane.waitFor('(y/n)');
    pane.send('y');
    await pane.waitFor((s) => status(s).includes(`stopped ${happierId}`));
    await pane.waitFor(/claude\s+add a checkout page.*no\s+yes/);
  });

  it('starts a new session with n, attaches to it, and comes back', async () => {
    pane.send('n');
    await pane.waitFor('New claude session here');
    pane.send('Tab');
    await pane.waitFor('New codex session here');
    pane.send('Tab');
    pane.send('Tab');
    await pane.waitFor('New claude session here');
    pane.type('draft the refund flow');
    pane.send('Enter');
    await pane.waitFor(() => /happier-[0-9a-f]{8}/.test(clients()) && !clients().includes(`happier-${happierId}`));
    const started = /happier-([0-9a-f]{8})/.exec(clients())![1]!;
    const launch = launches().at(-1)!;
    expect(launch.argv[0]).toBe('--session-id');
    expect(launch.cwd).toBe(project);
    execFileSync('tmux', ['-S', happierSock, 'detach-client', '-s', `happier-${started}`], { stdio: 'ignore' });
    await pane.waitFor((s) => status(s).includes(`started ${started}; back from ${started}`));
    // Running, but with no first message there is no conversation to resume yet.
    await pane.waitFor(/claude\s+draft the refund flow.*yes\s+no\(empty\)/);
  });
});
