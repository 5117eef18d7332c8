import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/domain/settings.js';
import { filterViews, viewSession, type ViewContext } from '../../../src/domain/session-view.js';
import { makeSession } from '../../helpers/session-factory.js';
import { liveOnDefaultServer } from '../../helpers/live-tmux.js';

const ctx: ViewContext = {
  settings: DEFAULT_SETTINGS,
  selfMachineId: 'machine-self',
  machineNames: new Map([
    ['machine-self', 'laptop'],
    ['machine-desk', 'desktop'],
  ]),
  liveTmux: liveOnDefaultServer(['happier-aaaa1111']),
  reachableMachines: new Set<string>(),
};
const tmux = (name: string) => ({ kind: 'tmux' as const, sessionName: name, socket: null });

describe('session views', () => {
  it('is active only when its recorded tmux session is live on this machine', () => {
    expect(viewSession(makeSession({ terminal: tmux('happier-aaaa1111') }), ctx).active).toBe(true);
    expect(viewSession(makeSession({ terminal: tmux('happier-bbbb2222') }), ctx).active).toBe(false);
    expect(viewSession(makeSession({ terminal: null }), ctx).active).toBe(false);
    const elsewhere = makeSession({ terminal: tmux('happier-aaaa1111'), ownerMachineId: 'machine-desk' });
    expect(viewSession(elsewhere, ctx)).toMatchObject({ active: false, ownedHere: false, ownerMachineName: 'desktop' });
  });

  it('--resumable keeps inactive, unarchived, resumable sessions owned here', () => {
    const keep = makeSession({ title: 'keep' });
    const rows = [
      keep,
      makeSession({ title: 'running', terminal: tmux('happier-aaaa1111') }),
      makeSession({ title: 'archived', archived: true }),
      makeSession({ title: 'no id', vendorSessionId: null }),
      makeSession({ title: 'elsewhere', ownerMachineId: 'machine-desk' }),
    ].map((s) => viewSession(s, ctx));
    expect(filterViews(rows, { resumable: true }).map((v) => v.session.title)).toEqual(['keep']);
    expect(filterViews(rows, { active: true }).map((v) => v.session.title)).toEqual(['running']);
  });
});
