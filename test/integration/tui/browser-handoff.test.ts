import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPIER_BIN } from '../../helpers/run-happier.js';
import { startPane, type TmuxPane } from '../../helpers/tmux-pane.js';
import { twoMachines, type TwoMachines } from '../handoff/two-machines.js';

// A handoff to a second machine through the modal: the source is this user with its own
// HOME, the target a real sshd's user with happier installed (see two-machines.ts).
let m: TwoMachines;
let pane: TmuxPane | undefined;

beforeAll(async () => {
  m = await twoMachines('happier-tui-handoff-');
});
afterAll(async () => {
  pane?.kill();
  await m?.stop();
});

describe('handoff from the browser', () => {
  it('hands a session to the other machine, showing each phase, and the list follows the new owner', async () => {
    const cwd = join(m.srcHome, 'shop');
    const { vendorId } = m.claudeTranscript(cwd);
    const session = m.addSession({ title: 'ship the checkout', cwd, vendorSessionId: vendorId, updatedAt: new Date().toISOString() });
    pane = startPane({ argv: ['env', '-u', 'TMUX', process.execPath, HAPPIER_BIN], env: { ...m.env, LANG: 'C.UTF-8', PATH: process.env.PATH ?? '/usr/bin:/bin' }, cols: 100, rows: 30, cwd: m.srcHome });
    await pane.waitFor('ship the checkout');
    pane.send('h');
    await pane.waitFor((s) => /Destination\s+‹ desk ›/.test(s) && s.includes('[ Hand off ]'), 15_000);
    pane.send('Enter');
    const screen = await pane.waitFor((s) => s.includes('Handing off to desk') && s.includes('Enter to close'), 30_000);
    expect(screen).toContain('done: desk now owns the session');
    for (const phase of ['Preparing the target', 'Moving the session state', 'Resuming on the target', 'Updating ownership']) {
      expect(screen).toMatch(new RegExp(`✓ ${phase}`));
    }
    pane.send('Enter');
    await pane.waitFor(/claude\s+ship the checkout.*@desk/);
    expect(m.sourceSession(session.id)?.ownerMachineId).not.toBe(session.ownerMachineId);
    expect(m.targetSessions().map((s: { id: string }) => s.id)).toContain(session.id);
  });

  it('hands a direct session over as it is (keep), from the Direct tab', async () => {
    const { vendorId } = m.claudeTranscript(join(m.srcHome, 'kiosk'));
    const p = pane!;
    p.send('2');
    await p.waitFor(/~\/kiosk\s/);
    p.send('/');
    p.type('kiosk');
    p.send('Enter', 'h');
    let screen = await p.waitFor((s) => /Destination\s+‹ desk ›/.test(s) && s.includes('[ Hand off ]'), 15_000);
    expect(screen).toMatch(/Direct session\s+‹ keep: move provider state only ›/);
    p.send('Enter');
    screen = await p.waitFor((s) => s.includes('Handing off to desk') && s.includes('Enter to close'), 30_000);
    expect(screen).toContain('done: desk now owns the session');
    p.send('Enter');
    const onDesk = m.onTarget(['direct', 'list', '--json']);
    expect(onDesk.code, onDesk.stderr).toBe(0);
    const direct = JSON.parse(onDesk.stdout).data.directSessions as { vendorSessionId: string; takenOver: string | null }[];
    expect(direct.find((d) => d.vendorSessionId === vendorId)).toMatchObject({ takenOver: null });
  });
});
