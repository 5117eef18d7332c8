import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../src/domain/settings.js';
import { viewSession } from '../../../../src/domain/session-view.js';
import { startBrowser, type BrowserHandle } from '../../../../tui/app/browser-app.js';
import { HappierError } from '../../../../src/domain/errors.js';
import type { HandoffRunner } from '../../../../tui/app/browser-services.js';
import { unavailableHandoff } from '../../../../tui/app/handoff-runners.js';
import { machineRow, sessionRow, UNKNOWN_STATUS, type MachineRow } from '../../../../tui/state/browser-rows.js';
import { createBlessedScreen } from '../../../../tui/view/blessed-screen.js';
import { headlessTerminal, type HeadlessTerminal } from '../../../helpers/headless-terminal.js';
import { makeSession } from '../../../helpers/session-factory.js';
import { fakeServices } from './fake-services.js';
import { BROWSER_KEYS } from '../../../../tui/state/status-hints.js';
import { liveOnDefaultServer } from '../../../helpers/live-tmux.js';

const NOW = new Date('2026-11-01T13:00:00.000Z');
const ctx = {
  settings: DEFAULT_SETTINGS,
  selfMachineId: 'machine-self',
  machineNames: new Map([['machine-self', 'laptop']]),
  liveTmux: liveOnDefaultServer(['happier-live']),
  reachableMachines: new Set<string>(),
};

const sessions = [
  makeSession({ title: 'fix the flaky login test', cwd: '/home/dev/web', ownerMachineId: 'machine-self', terminal: { kind: 'tmux', sessionName: 'happier-live', socket: null } }),
  makeSession({ title: 'refactor billing', cwd: '/home/dev/api', ownerMachineId: 'machine-self' }),
  makeSession({ title: 'no vendor id yet', cwd: '/home/dev/docs', ownerMachineId: 'machine-self', vendorSessionId: null }),
].map((s) => sessionRow(viewSession(s, ctx)));

const machines = [
  machineRow({ id: 'machine-self', name: 'laptop', sshTarget: null, identityFile: null, isSelf: true, createdAt: NOW.toISOString() }, UNKNOWN_STATUS),
  machineRow({ id: 'm2', name: 'desktop', sshTarget: 'dev@desktop', identityFile: null, isSelf: false, createdAt: NOW.toISOString() }, { online: false, reason: 'timed out', providers: null }),
];

let term: HeadlessTerminal;
let app: BrowserHandle;

async function open(cols: number, rows: number, opts: { color?: boolean; handoff?: HandoffRunner; machines?: MachineRow[]; newSessionFails?: Error } = {}) {
  term = headlessTerminal(cols, rows);
  const fake = fakeServices({ sessions, machines: opts.machines ?? machines, ...(opts.handoff ? { handoff: opts.handoff } : {}), ...(opts.newSessionFails ? { newSessionFails: opts.newSessionFails } : {}), preview: [{ role: 'user', text: 'please fix the login test', at: null }, { role: 'assistant', text: 'The test waits on a timer; I replaced it with a fake clock.', at: null }] });
  const view = createBlessedScreen({ input: term.input, output: term.output, color: opts.color ?? true, terminal: 'xterm-256color' });
  app = startBrowser(view, fake.services, { now: () => NOW, home: '/home/dev', previewDelayMs: 0 });
  await app.loaded;
  return fake;
}

const key = async (seq: string) => {
  term.input.write(seq);
  await new Promise((r) => setImmediate(r));
  await term.flush();
};

async function settle(test: (screen: string) => boolean) {
  for (let i = 0; i < 100; i++) {
    await term.flush();
    if (test(term.text())) return term.text();
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`screen never matched:\n${term.text()}`);
}

afterEach(async () => {
  app?.quit();
  await app?.done;
  term?.dispose();
});

describe('browser view (headless)', () => {
  it('shows tabs, the list with its columns, the detail pane and key hints at 80x24', async () => {
    await open(80, 24);
    const screen = await settle((s) => s.includes('please fix the login test'));
    const lines = term.lines();
    expect(lines[0]).toContain('1 Sessions 3');
    expect(lines[1]).toMatch(/AGENT\s+TITLE\s+PATH\s+UPDATED\s+ACTIVE\s+RESUME/);
    expect(lines[2]).toMatch(/^[0-9a-f]{8} claude\s+fix the flaky…\s+~\/web\s+1h ago\s+yes\s+yes\s*$/);
    expect(screen).toContain('no(missing-id)');
    expect(screen).toContain('latest messages');
    expect(screen).toContain('The test waits on a timer');
    expect(lines[23]).toContain('Enter attach/resume');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(term.isInverse(2, 0)).toBe(true);
    expect(term.isInverse(3, 0)).toBe(false);
  });

  it('moves the selection with j and explains why Enter cannot resume', async () => {
    await open(80, 24);
    await key('j');
    await key('j');
    expect(term.isInverse(4, 0)).toBe(true);
    await key('\r');
    const screen = await settle((s) => s.includes('cannot resume'));
    expect(term.lines()[23]).toContain("cannot resume, no(missing-id)");
    expect(screen).toContain('no vendor id yet');
  });

  it('keeps a failure on screen through the next refreshes until a key dismisses it, and that key does nothing else', async () => {
    const missing = new HappierError('PROVIDER_MISSING', 'the claude CLI is not installed here', { hint: 'install it with `npm i -g @anthropic-ai/claude-code`' });
    const fake = await open(80, 24, { newSessionFails: missing });
    await key('n');
    await settle((s) => s.includes('New claude session here'));
    await key('\r');
    await settle((s) => s.includes('the claude CLI is not installed here'));
    fake.change('registry');
    await app.refresh();
    await new Promise((r) => setTimeout(r, 300));
    await term.flush();
    expect(term.lines()[23]).toContain('the claude CLI is not installed here (install it with');
    await key('j');
    await settle((s) => !s.includes('not installed here'));
    expect(term.isInverse(2, 0), 'the dismissing key does not move the selection').toBe(true);
    await key('j');
    expect(term.isInverse(3, 0)).toBe(true);
  });

  it('filters as the user types and shows the match count', async () => {
    await open(80, 24);
    await key('/');
    for (const ch of 'billing') await key(ch);
    const screen = await settle((s) => s.includes('1 match'));
    expect(screen).toContain('refactor billing');
    expect(screen).not.toContain('fix the flaky login test');
    expect(term.lines()[0]).toContain('Sessions 1/3');
  });

  it('suspends the screen for attach and repaints when it returns', async () => {
    const fake = await open(80, 24);
    await key('\r');
    await settle((s) => s.includes('back from attach'));
    expect(fake.calls).toEqual([`attach ${sessions[0]!.id}`]);
    expect(term.lines()[1]).toMatch(/AGENT\s+TITLE/);
  });

  it('composes a message with m and sends it to the selected session', async () => {
    const fake = await open(80, 24);
    await key('j');
    await key('m');
    await settle((s) => s.includes('Send a message') && s.includes('Message to refactor billing'));
    for (const ch of 'run the tests') await key(ch);
    await key('\r');
    await settle((s) => s.includes('sent the message'));
    expect(fake.calls).toEqual([`send ${sessions[1]!.id} run the tests`]);
  });

  it('says why m cannot send to a session that takes no input', async () => {
    const fake = await open(80, 24);
    await key('j');
    await key('j');
    await key('m');
    await settle((s) => s.includes('takes no messages'));
    expect(term.lines()[23]).toContain('cannot be resumed (missing-id)');
    expect(fake.calls).toEqual([]);
  });

  it('lays the detail pane beside the list on a wide screen, and redraws on resize', async () => {
    await open(160, 40);
    await settle((s) => s.includes('latest messages'));
    const row = term.lines()[2]!;
    expect(row).toMatch(/fix the flaky login test.*yes\s+yes\s+ fix the flaky login test/);
    term.resize(80, 24);
    const screen = await settle((s) => term.lines()[23]!.includes('Enter') && !term.lines()[2]!.includes('  fix the flaky login test  '));
    expect(screen.split('\n')[1]).toMatch(/^ID\s+AGENT\s+TITLE/);
  });

  it('fits 60 columns on every tab and in help, and keeps the ID column', async () => {
    await open(60, 20);
    await settle((s) => s.includes('latest messages'));
    let lines = term.lines();
    expect(lines[1]).toMatch(/^ID\s+AGENT\s+TITLE/);
    expect(lines[2]).toMatch(/^[0-9a-f]{8} claude\s+fix the fl/);
    expect(lines[19]).toMatch(/Enter attach\/resume.*\? help.*q quit/);
    await key('3');
    lines = (await settle((s) => s.includes('desktop'))).split('\n');
    expect(lines.find((l) => l.startsWith('desktop'))).toMatch(/^desktop\s+dev@desktop\s+offline/);
    expect(lines[19]).toMatch(/\? help.*q quit/);
    await key('?');
    const help = await settle((s) => s.includes('Keys'));
    // The whole table, nothing cut at the box's edge or bottom.
    for (const k of BROWSER_KEYS) expect(help.replace(/ +/g, ' '), k.label).toContain(`${k.label} ${k.does}`);
  });

  it('shows the Machines tab with offline reasons', async () => {
    await open(100, 24);
    await key('3');
    const screen = await settle((s) => s.includes('desktop'));
    expect(screen).toMatch(/desktop\s+dev@desktop\s+offline: timed out/);
    expect(screen).toContain('this machine');
  });

  it('opens the handoff modal with the disabled destinations and their reasons', async () => {
    await open(100, 30);
    await key('h');
    const screen = await settle((s) => s.includes('Hand off'));
    expect(screen).toMatch(/laptop\s+disabled: current owner/);
    expect(screen).toMatch(/desktop\s+disabled: offline: timed out/);
    expect(screen).toContain('no machine can take this session');
  });

  it('uses no colour under NO_COLOR, but still marks the selection', async () => {
    await open(80, 24, { color: false });
    await settle((s) => s.includes('latest messages'));
    const colored = term.lines().some((_, row) => Array.from({ length: 80 }, (_, col) => term.isColored(row, col)).some(Boolean));
    expect(colored).toBe(false);
    expect(term.isInverse(2, 0)).toBe(true);
  });

  const withPeer = [
    machines[0]!,
    machineRow({ id: 'm3', name: 'studio', sshTarget: 'dev@studio', identityFile: null, isSelf: false, createdAt: NOW.toISOString() }, { online: true, reason: null, providers: ['claude'] }),
  ];

  it("drives the progress view from the runner's phase events and shows a failure in full", async () => {
    const runner: HandoffRunner = {
      async run(_req, onEvent) {
        onEvent({ phase: 'prepare', status: 'done' });
        onEvent({ phase: 'move', status: 'running', detail: 'bundle 3 files' });
        throw new HappierError('TRANSFER_FAILED', 'the connection to studio dropped', { hint: 'run the handoff again; nothing changed on studio' });
      },
    };
    await open(100, 30, { handoff: runner, machines: withPeer });
    await key('h');
    await settle((s) => s.includes('‹ studio ›'));
    await key('\r');
    const screen = await settle((s) => s.includes('code: TRANSFER_FAILED'));
    expect(screen).toMatch(/✓ Preparing the target/);
    expect(screen).toMatch(/✗ Moving the session state\s+bundle 3 files/);
    expect(screen).toMatch(/· Resuming on the target/);
    expect(screen).toMatch(/· Updating ownership/);
    expect(screen).toContain('error: the connection to studio dropped');
    expect(screen).toContain('hint: run the handoff again; nothing changed on studio');
    await key('\r');
    await settle((s) => !s.includes('Handoff progress'));
  });

  it('says plainly that handoff is not available yet until the coordinator exists', async () => {
    await open(100, 30, { handoff: unavailableHandoff, machines: withPeer });
    await key('h');
    await settle((s) => s.includes('‹ studio ›'));
    await key('\r');
    const screen = await settle((s) => s.includes('code: INTERNAL'));
    expect(screen).toContain('error: handoff is not available yet');
    expect(screen).toMatch(/✗ Preparing the target/);
  });
});
