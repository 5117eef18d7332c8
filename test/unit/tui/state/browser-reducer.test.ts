import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../../src/domain/settings.js';
import { viewSession, type ViewContext } from '../../../../src/domain/session-view.js';
import type { Session } from '../../../../src/domain/session.js';
import { reduce, type Action } from '../../../../tui/state/browser-reducer.js';
import { directRow, sessionRow } from '../../../../tui/state/browser-rows.js';
import { initialState, selectedRow, type BrowserState, type Effect } from '../../../../tui/state/browser-state.js';
import { keyOf } from '../../../../tui/state/key.js';
import { makeSession } from '../../../helpers/session-factory.js';
import { liveOnDefaultServer } from '../../../helpers/live-tmux.js';

const SELF = 'machine-self';
const vctx = (over: Partial<ViewContext> = {}): ViewContext => ({
  settings: DEFAULT_SETTINGS,
  selfMachineId: SELF,
  machineNames: new Map([[SELF, 'laptop'], ['machine-desk', 'desktop']]),
  liveTmux: liveOnDefaultServer([]),
  reachableMachines: new Set<string>(),
  ...over,
});

function rowsOf(sessions: Session[], ctx = vctx()) {
  return sessions.map((s) => sessionRow(viewSession(s, ctx)));
}

function run(state: BrowserState, ...actions: (Action | string)[]): { state: BrowserState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const a of actions) {
    let step = reduce(state, typeof a === 'string' ? { type: 'key', key: keyOf(a) } : a);
    // The app runs a requested filter on the next tick; here it runs at once.
    for (const e of step.effects) {
      if (e.type === 'filter') step = { ...reduce(step.state, { type: 'apply-filter', tab: e.tab, query: e.query }), effects: step.effects };
    }
    state = step.state;
    effects.push(...step.effects.filter((e) => e.type !== 'filter'));
  }
  return { state, effects };
}

const fresh = (listHeight = 5) => initialState({ settings: DEFAULT_SETTINGS, selfMachineId: SELF, listHeight });

describe('browser reducer', () => {
  const sessions = Array.from({ length: 20 }, (_, i) => makeSession({ title: `session number ${i}`, ownerMachineId: SELF }));

  it('moves with j k, pages, g and G, scrolling to keep the cursor visible', () => {
    let { state } = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf(sessions) });
    ({ state } = run(state, 'j', 'j', 'down', 'k'));
    expect(selectedRow(state)?.id).toBe(sessions[2]!.id);
    ({ state } = run(state, 'pagedown'));
    expect(state.tabs.sessions.cursor).toBe(7);
    expect(state.tabs.sessions.top).toBe(3);
    ({ state } = run(state, 'G'));
    expect(selectedRow(state)?.id).toBe(sessions[19]!.id);
    expect(state.tabs.sessions.top).toBe(15);
    ({ state } = run(state, 'g'));
    expect(state.tabs.sessions.cursor).toBe(0);
    expect(state.tabs.sessions.top).toBe(0);
  });

  it('starts a new session with the provider chosen by Tab in the prompt', () => {
    let r = run(fresh(), 'n');
    expect(r.state.mode).toMatchObject({ kind: 'prompt', purpose: 'new', agent: 'claude' });
    r = run(r.state, 'tab');
    expect(r.state.mode).toMatchObject({ agent: 'codex', label: expect.stringContaining('New codex session') });
    r = run(r.state, 'tab', 'tab', 'tab', 'x', 'enter');
    expect(r.effects).toEqual([{ type: 'new', title: 'x', agent: 'codex' }]);
  });

  it('keeps the selection on the same session by id when a refresh reorders the rows', () => {
    let { state } = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf(sessions) }, 'j', 'j', 'j');
    const chosen = selectedRow(state)!.id;
    const reordered = [...sessions].reverse();
    ({ state } = run(state, { type: 'rows', tab: 'sessions', rows: rowsOf(reordered) }));
    expect(selectedRow(state)!.id).toBe(chosen);
    expect(state.tabs.sessions.cursor).toBe(16);
  });

  it('stays at the same position when the selected session disappears', () => {
    let { state } = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf(sessions) }, 'j', 'j');
    const without = sessions.filter((_, i) => i !== 2);
    ({ state } = run(state, { type: 'rows', tab: 'sessions', rows: rowsOf(without) }));
    expect(selectedRow(state)!.id).toBe(sessions[3]!.id);
  });

  it('filters fuzzily while typing, and Esc clears the filter', () => {
    const named = [
      makeSession({ title: 'fix the login form' }),
      makeSession({ title: 'billing export to csv' }),
      makeSession({ title: 'login rate limiter' }),
    ];
    let { state } = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf(named) }, '/', 'l', 'o', 'g', 'n');
    expect(state.mode.kind).toBe('filter');
    expect(state.tabs.sessions.visible.map((r) => r.id).sort()).toEqual([named[0]!.id, named[2]!.id].sort());
    ({ state } = run(state, 'enter'));
    expect(state.mode.kind).toBe('browse');
    expect(state.tabs.sessions.filter).toBe('logn');
    ({ state } = run(state, 'escape'));
    expect(state.tabs.sessions.visible).toHaveLength(3);
  });

  it('Enter attaches to an active session and resumes a resumable one', () => {
    const active = makeSession({ ownerMachineId: SELF, terminal: { kind: 'tmux', sessionName: 'happier-a', socket: null } });
    const idle = makeSession({ ownerMachineId: SELF });
    const rows = rowsOf([active, idle], vctx({ liveTmux: liveOnDefaultServer(['happier-a']) }));
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows }, 'enter');
    expect(r.effects).toContainEqual({ type: 'attach', sessionId: active.id });
    r = run(r.state, 'j', 'enter');
    expect(r.effects).toContainEqual({ type: 'resume', sessionId: idle.id });
  });

  it('Enter on a session that cannot resume explains why, naming the RESUME reason', () => {
    const noId = makeSession({ ownerMachineId: SELF, vendorSessionId: null });
    const mcp = makeSession({ ownerMachineId: SELF, agent: 'codex', backend: 'mcp' });
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([noId, mcp]) }, 'enter');
    expect(r.effects.filter((e) => e.type !== 'load-preview')).toEqual([]);
    expect(r.state.message?.text).toBe("cannot resume, no(missing-id): happier never learned the provider's session id");
    r = run(r.state, 'escape', 'j', 'enter');
    expect(r.state.message?.text).toContain('no(unsupported)');
    const off = resolveSettings(new Map([['backends.claude.resume', false]]));
    const disabled = sessionRow(viewSession(makeSession({ ownerMachineId: SELF }), vctx({ settings: off })));
    r = run(fresh(), { type: 'rows', tab: 'sessions', rows: [disabled] }, 'enter');
    expect(r.state.message?.text).toContain('no(disabled)');
  });

  it('a failure stays through refreshes until a key dismisses it, and that key does nothing else', () => {
    const noId = makeSession({ ownerMachineId: SELF, vendorSessionId: null });
    const other = makeSession({ ownerMachineId: SELF });
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([noId, other]) }, 'enter');
    const failure = r.state.message;
    expect(failure?.tone).toBe('error');
    r = run(r.state, { type: 'rows', tab: 'sessions', rows: rowsOf([noId, other]) }, { type: 'busy', busy: 'refreshing…' }, { type: 'busy', busy: null });
    expect(r.state.message).toEqual(failure);
    for (const dismiss of ['enter', 'escape', 'q', 's', 'j']) {
      const d = run(r.state, dismiss);
      expect(d.state.message, dismiss).toBeNull();
      expect(d.effects, dismiss).toEqual([]);
      expect(d.state.tabs.sessions.cursor, dismiss).toBe(0);
    }
    // A note (not a failure) goes with the next key, which does its work too.
    const noted = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([noId, other]) }, { type: 'message', message: { tone: 'info', text: 'stopped' } }, 'j');
    expect(noted.state.message).toBeNull();
    expect(noted.state.tabs.sessions.cursor).toBe(1);
  });

  it('Enter on a session owned elsewhere names the owner when happier cannot reach it', () => {
    const remote = makeSession({ ownerMachineId: 'machine-desk' });
    const r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([remote]) }, 'enter');
    expect(r.state.message?.text).toContain('owned by desktop, which happier cannot reach; add it with `happier machine add desktop <ssh-target>`');
    expect(r.effects.filter((e) => e.type === 'attach')).toEqual([]);
  });

  it('Enter on a session owned by a machine with an ssh target attaches there', () => {
    const remote = makeSession({ ownerMachineId: 'machine-desk' });
    const row = sessionRow(viewSession(remote, vctx({ reachableMachines: new Set(['machine-desk']) })));
    const r = run(fresh(), { type: 'rows', tab: 'sessions', rows: [row] }, 'enter');
    expect(r.effects).toContainEqual({ type: 'attach', sessionId: remote.id });
  });

  it('renames through a prompt prefilled with the current title', () => {
    const s = makeSession({ title: 'old' });
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([s]) }, 'R');
    expect(r.state.mode).toMatchObject({ kind: 'prompt', purpose: 'rename', input: { value: 'old' } });
    r = run(r.state, 'backspace', 'backspace', 'backspace', 'n', 'e', 'w', 'enter');
    expect(r.effects).toContainEqual({ type: 'rename', sessionId: s.id, title: 'new' });
    expect(r.state.mode.kind).toBe('browse');
  });

  it('asks before stopping, and archives in one key', () => {
    const s = makeSession({ ownerMachineId: SELF, terminal: { kind: 'tmux', sessionName: 'happier-s', socket: null } });
    const rows = rowsOf([s], vctx({ liveTmux: liveOnDefaultServer(['happier-s']) }));
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows }, 's');
    expect(r.state.mode.kind).toBe('confirm');
    r = run(r.state, 'y');
    expect(r.effects).toContainEqual({ type: 'stop', sessionId: s.id });
    r = run(r.state, 'a');
    expect(r.effects).toContainEqual({ type: 'archive', sessionId: s.id, archived: true });
  });

  it('hides archived sessions until A shows them', () => {
    const live = makeSession({ title: 'live' });
    const gone = makeSession({ title: 'gone', archived: true });
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([live, gone]) });
    expect(r.state.tabs.sessions.visible.map((x) => x.id)).toEqual([live.id]);
    r = run(r.state, 'A');
    expect(r.state.tabs.sessions.visible.map((x) => x.id)).toEqual([live.id, gone.id]);
  });

  it('takes over only on the Direct tab, and only once', () => {
    const d = { agent: 'claude' as const, vendorSessionId: 'v1', cwd: '/w', title: 't', updatedAt: '2026-01-01T00:00:00Z', sizeBytes: 1, messageCount: 1, path: '/p' };
    let r = run(fresh(), { type: 'rows', tab: 'direct', rows: [directRow(d, null)] }, 't');
    expect(r.effects).toEqual([]);
    expect(r.state.message?.text).toContain('Direct tab');
    r = run(r.state, '2', 't');
    expect(r.effects).toContainEqual({ type: 'takeover', rowId: 'claude:v1' });
    r = run(r.state, { type: 'rows', tab: 'direct', rows: [directRow(d, 'abcdef12-0000')] }, 't');
    expect(r.state.message?.text).toBe('already taken over as abcdef12');
  });

  it('asks for the preview of each newly selected row', () => {
    const a = makeSession();
    const b = makeSession();
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([a, b]) });
    expect(r.effects).toEqual([{ type: 'load-preview', tab: 'sessions', rowId: a.id }]);
    r = run(r.state, 'j');
    expect(r.effects).toEqual([{ type: 'load-preview', tab: 'sessions', rowId: b.id }]);
    r = run(r.state, { type: 'rows', tab: 'sessions', rows: rowsOf([a, b]) });
    expect(r.effects).toEqual([]);
  });

  it('quits on q', () => {
    expect(run(fresh(), 'q').effects).toEqual([{ type: 'quit' }]);
  });
});

describe('filter narrowing', () => {
  it('gives the same rows typed key by key as the whole query at once, and widens again on backspace', () => {
    const named = Array.from({ length: 60 }, (_, i) => makeSession({ title: `task ${i} ${['login', 'billing', 'docs'][i % 3]}` }));
    const load = { type: 'rows' as const, tab: 'sessions' as const, rows: rowsOf(named) };
    const typed = run(fresh(), load, '/', ...'bil 1'.split('')).state;
    const whole = run(fresh(), load, '/', { type: 'apply-filter', tab: 'sessions', query: 'bil 1' }).state;
    expect(typed.tabs.sessions.visible.map((r) => r.id)).toEqual(whole.tabs.sessions.visible.map((r) => r.id));
    const back = run(typed, 'backspace', 'backspace').state;
    expect(back.tabs.sessions.visible.length).toBe(20);
  });
});

describe('refresh diffing', () => {
  it('keeps the state as it is when a refresh brings the same rows, and reuses unchanged rows otherwise', () => {
    const s = [makeSession({ title: 'a' }), makeSession({ title: 'b' })];
    const first = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf(s) }).state;
    const same = reduce(first, { type: 'rows', tab: 'sessions', rows: rowsOf(s) });
    expect(same.state).toBe(first);
    const renamed = [s[0]!, { ...s[1]!, title: 'b2', updatedAt: '2027-01-01T00:00:00.000Z' }];
    const next = reduce(first, { type: 'rows', tab: 'sessions', rows: rowsOf(renamed) }).state;
    expect(next.tabs.sessions.rows[0]).toBe(first.tabs.sessions.rows[0]);
    expect(next.tabs.sessions.rows[1]).not.toBe(first.tabs.sessions.rows[1]);
  });
});

describe('handoff key', () => {
  it('opens the modal for a session owned here, and says who can hand off one owned elsewhere', () => {
    const mine = makeSession({ ownerMachineId: SELF });
    const theirs = makeSession({ ownerMachineId: 'machine-desk' });
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([mine, theirs]) }, 'h');
    expect(r.effects).toContainEqual({ type: 'prepare-handoff', tab: 'sessions', rowId: mine.id });
    r = run(r.state, 'j', 'h');
    expect(r.effects.filter((e) => e.type === 'prepare-handoff')).toHaveLength(0);
    expect(r.state.message?.text).toBe('it is owned by desktop, so only desktop can hand it off');
  });
});

describe('preview scrolling', () => {
  it('scrolls the transcript preview up with K and back down with J, never below the newest line', () => {
    const s = makeSession();
    let r = run(fresh(), { type: 'rows', tab: 'sessions', rows: rowsOf([s]) });
    r = run(r.state, { type: 'preview', preview: { rowId: s.id, status: 'ready', messages: [], note: null, scroll: 0 } }, 'K', 'K');
    expect(r.state.preview?.scroll).toBe(6);
    r = run(r.state, 'J', 'J', 'J');
    expect(r.state.preview?.scroll).toBe(0);
  });
});
