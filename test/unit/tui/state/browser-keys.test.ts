import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../src/domain/settings.js';
import { viewSession } from '../../../../src/domain/session-view.js';
import { reduce, type Step } from '../../../../tui/state/browser-reducer.js';
import { directRow, machineRow, sessionRow, UNKNOWN_STATUS } from '../../../../tui/state/browser-rows.js';
import { initialState, type BrowserState } from '../../../../tui/state/browser-state.js';
import { keyOf } from '../../../../tui/state/key.js';
import { BROWSER_KEYS } from '../../../../tui/state/status-hints.js';
import type { TabId } from '../../../../tui/state/tabs.js';
import { liveOnDefaultServer } from '../../../helpers/live-tmux.js';
import { makeSession } from '../../../helpers/session-factory.js';

// The help overlay and the man page are made from BROWSER_KEYS; this pins the table to
// what the reducer really answers while browsing, so a new binding cannot go unlisted.
const SELF = 'machine-self';
const vctx = { settings: DEFAULT_SETTINGS, selfMachineId: SELF, machineNames: new Map([[SELF, 'laptop']]), liveTmux: liveOnDefaultServer([]), reachableMachines: new Set<string>() };

function browsing(tab: TabId): BrowserState {
  let state = initialState({ settings: DEFAULT_SETTINGS, selfMachineId: SELF, listHeight: 3 });
  const step = (s: Step) => (state = s.state);
  const sessions = Array.from({ length: 8 }, (_, i) => sessionRow(viewSession(makeSession({ title: `s${i}`, ownerMachineId: SELF }), vctx)));
  const direct = Array.from({ length: 8 }, (_, i) =>
    directRow({ agent: 'claude', vendorSessionId: `v${i}`, cwd: '/w', title: 't', updatedAt: '2026-01-01T00:00:00Z', sizeBytes: 1, messageCount: 1, path: '/p' }, null),
  );
  const machines = Array.from({ length: 8 }, (_, i) =>
    machineRow({ id: `m${i}`, name: `box${i}`, sshTarget: `me@box${i}`, identityFile: null, isSelf: i === 0, createdAt: '2026-01-01T00:00:00Z' }, UNKNOWN_STATUS),
  );
  step(reduce(state, { type: 'rows', tab: 'sessions', rows: sessions }));
  step(reduce(state, { type: 'rows', tab: 'direct', rows: direct }));
  step(reduce(state, { type: 'rows', tab: 'machines', rows: machines }));
  state = { ...state, tab };
  // In the middle of the list with a filter set and a scrolled preview, so that moving
  // either way, clearing and scrolling all have something to do.
  for (const k of ['j', 'j', 'j', 'j']) step(reduce(state, { type: 'key', key: keyOf(k) }));
  state = { ...state, tabs: { ...state.tabs, [tab]: { ...state.tabs[tab], filter: 'x' } } };
  const row = state.tabs[tab].visible[state.tabs[tab].cursor]!;
  step(reduce(state, { type: 'preview', preview: { rowId: row.id, status: 'ready', messages: [], note: null, scroll: 6 } }));
  return state;
}

const NAMED = ['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab', 'S-tab', 'backspace', 'delete', 'insert', 'space', 'f1', 'f5'];
const CTRL = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => `C-${c}`);
const PRINTABLE = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));
const EVERY_KEY = [...NAMED, ...CTRL, ...PRINTABLE];

function reacts(state: BrowserState, name: string): boolean {
  const idle = reduce(state, { type: 'key', key: keyOf('f12') });
  const step = reduce(state, { type: 'key', key: keyOf(name) });
  return step.effects.length > 0 || JSON.stringify(step.state) !== JSON.stringify(idle.state);
}

describe('the browser key table', () => {
  const listed = new Set(BROWSER_KEYS.flatMap((k) => k.keys));

  it('lists every key the browser answers while browsing, on any tab', () => {
    const bound = new Set<string>();
    for (const tab of ['sessions', 'direct', 'machines'] as const) {
      const state = browsing(tab);
      for (const k of EVERY_KEY) if (reacts(state, k)) bound.add(k);
    }
    expect(bound.size).toBeGreaterThan(25);
    expect([...bound].filter((k) => !listed.has(k))).toEqual([]);
  });

  it('lists no key the browser ignores', () => {
    const dead = [...listed].filter((k) => !(['sessions', 'direct', 'machines'] as const).some((tab) => reacts(browsing(tab), k)));
    expect(dead).toEqual([]);
  });
});
