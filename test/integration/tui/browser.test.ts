import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startPane, type TmuxPane } from '../../helpers/tmux-pane.js';

const dir = tempDir('happier-tui-e2e-');
const home = join(dir.path, 'happier');
const env = {
  HAPPIER_HOME: home,
  HOME: dir.path,
  CLAUDE_CONFIG_DIR: join(dir.path, 'claude'),
  HAPPIER_CONNECT_TIMEOUT_MS: '1500',
  NO_COLOR: '1',
  LANG: 'C.UTF-8',
  PATH: process.env.PATH ?? '/usr/bin:/bin',
};

const ids = {
  login: 'a1111111-0000-4000-8000-000000000001',
  billing: 'b2222222-0000-4000-8000-000000000002',
  docs: 'c3333333-0000-4000-8000-000000000003',
};

beforeAll(() => {
  const reg = openRegistry(home, { machineName: 'laptop' });
  const sessions = new SessionsRepo(reg);
  const own = reg.machineId;
  const at = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
  sessions.insert(makeSession({ id: ids.login, title: 'fix the flaky login test', cwd: join(dir.path, 'web'), ownerMachineId: own, updatedAt: at(1) }));
  sessions.insert(makeSession({ id: ids.billing, title: 'refactor billing export', cwd: join(dir.path, 'api'), ownerMachineId: own, updatedAt: at(2) }));
  sessions.insert(makeSession({ id: ids.docs, title: 'write the user guide', ownerMachineId: own, vendorSessionId: null, updatedAt: at(3) }));
  // A peer on a closed port of 127.0.0.1: the online check fails at once, as for a machine that is off.
  new MachinesRepo(reg).upsert({ id: 'peer-attic', name: 'attic', sshTarget: 'dev@127.0.0.1:9', identityFile: null, isSelf: false, createdAt: at(5) });
  reg.close();
});
afterAll(() => dir.cleanup());

let pane: TmuxPane | undefined;
afterEach(() => {
  pane?.kill();
  pane = undefined;
});

function openBrowser(cols = 80, rows = 24): TmuxPane {
  pane = startPane({ argv: [process.execPath, HAPPIER_BIN], env, cols, rows, cwd: dir.path });
  return pane;
}

const statusLine = (screen: string) => screen.split('\n')[23] ?? '';

describe('happier (the browser) in a real tmux pane', () => {
  it('prints the session list instead when stdout is not a terminal', async () => {
    const r = await runHappier([], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+AGENT\s+UPDATED\s+ACTIVE\s+RESUME\s+TITLE\s+PATH/);
    expect(r.stdout).toContain('fix the flaky login test');
  });

  it('browses, filters, renames, and shows a change made by another process', async () => {
    const p = openBrowser();
    // At 80 columns the id keeps its column and the titles are cut first.
    let screen = await p.waitFor('write the use');
    expect(screen.split('\n')[0]).toContain('1 Sessions 3');
    expect(screen).toMatch(/ID\s+AGENT\s+TITLE\s+PATH\s+UPDATED\s+ACTIVE\s+RESUME/);
    expect(statusLine(screen)).toContain('Enter attach/resume');

    p.send('G', 'Enter');
    screen = await p.waitFor((s) => statusLine(s).includes('cannot resume'));
    expect(statusLine(screen)).toContain('no(missing-id)');
    // The reason outlives the next refresh (another process changes the registry, the list
    // shows it), and goes with a key, which does nothing else.
    expect((await runHappier(['session', 'rename', ids.login, 'login test, renamed elsewhere'], env)).code).toBe(0);
    screen = await p.waitFor('login test, r…', 4_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(statusLine(p.capture())).toContain('cannot resume, no(missing-id)');
    p.send('g');
    screen = await p.waitFor((s) => statusLine(s).includes('Enter attach/resume'));
    // g (to the top) only dismissed: the detail pane still shows the last row.
    expect(screen).toMatch(/^write the user guide\s*$/m);

    p.send('/');
    p.type('billing');
    screen = await p.waitFor('1 match');
    expect(screen).toContain('refactor billing export');
    expect(screen).not.toContain('login test, r…');
    p.send('Enter', 'R', 'C-u');
    p.type('billing export to parquet');
    p.send('Enter');
    await p.waitFor('renamed b2222222');
    const shown = JSON.parse((await runHappier(['session', 'show', ids.billing, '--json'], env)).stdout);
    expect(shown.data.session.title).toBe('billing export to parquet');

    p.send('Escape');
    await p.waitFor('login test, r…');
    const renamed = await runHappier(['session', 'rename', ids.docs, 'guide, from elsewhere'], env);
    expect(renamed.code).toBe(0);
    // Live: from the other process's commit to the screen, through the watcher and its debounce.
    const t0 = Date.now();
    await p.waitFor('guide, from e', 4_000);
    expect(Date.now() - t0).toBeLessThan(2_000);

    p.send('q');
    await p.waitFor(() => p.tmux('display-message', '-p', '-t', p.target, '#{pane_dead}').trim() === '1');
  });

  it('redraws for a wide terminal and after a resize', async () => {
    const p = openBrowser(160, 40);
    let screen = await p.waitFor('latest messages');
    // The detail pane sits beside the list: its top rule shares the line with the list's header.
    expect(screen.split('\n')[1]).toMatch(/^ID\s+AGENT\s+TITLE\s+PATH\s+UPDATED\s+ACTIVE\s+RESUME\s+─{40,}$/);
    p.tmux('resize-window', '-t', 'e2e', '-x', '80', '-y', '24');
    screen = await p.waitFor((s) => /^ID\s+AGENT\s+TITLE\s+PATH\s+UPDATED\s+ACTIVE\s+RESUME$/.test(s.split('\n')[1] ?? '') && statusLine(s).includes('Enter attach/resume'));
    expect(screen.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('shows the Machines tab and the handoff modal with disabled destinations and reasons', async () => {
    const p = openBrowser(100, 30);
    await p.waitFor('1 Sessions 3');
    p.send('3');
    await p.waitFor(/attic\s+dev@127\.0\.0\.1:9\s+offline/);
    p.send('1', 'h');
    // The whole modal, not a capture taken halfway through drawing it.
    const screen = await p.waitFor((s) => s.includes('Hand off') && s.includes('[ Hand off ]') && s.includes('Include globs'));
    expect(screen).toMatch(/laptop\s+disabled: current owner/);
    expect(screen).toMatch(/attic\s+disabled: offline/);
    expect(screen).toContain('no machine can take this session');
    expect(screen).toMatch(/Workspace\s+‹ leave behind ›/);
    p.send('Escape');
    await p.waitFor((s) => !s.includes('Hand off'));
  });
});
