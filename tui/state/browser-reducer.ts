import { AGENTS, type Agent } from '../../src/domain/agent.js';
import { inputReasonText } from '../../src/domain/session-input.js';
import type { BrowserRow } from './browser-rows.js';
import {
  currentTab,
  refilter,
  scrolled,
  selectedRow,
  type BrowserState,
  type Effect,
  type LoadState,
  type Message,
  type Mode,
  type Preview,
  type TabState,
} from './browser-state.js';
import { enterOutcome } from './enter-rule.js';
import { handoffFormKey, type HandoffForm } from './handoff-form.js';
import {
  applyHandoffEvent,
  failProgress,
  finishProgress,
  startProgress,
  type HandoffEvent,
  type HandoffFailure,
} from './handoff-progress.js';
import type { Key } from './key.js';
import { reuseRows } from './row-diff.js';
import { nextTab, type TabId } from './tabs.js';
import { editText, textInput } from './text-input.js';

export type Action =
  | { readonly type: 'key'; readonly key: Key }
  | { readonly type: 'rows'; readonly tab: TabId; readonly rows: readonly BrowserRow[] }
  | { readonly type: 'load'; readonly tab: TabId; readonly load: LoadState }
  | { readonly type: 'resize'; readonly listHeight: number }
  | { readonly type: 'message'; readonly message: Message | null }
  | { readonly type: 'busy'; readonly busy: string | null }
  | { readonly type: 'preview'; readonly preview: Preview }
  | { readonly type: 'handoff-open'; readonly form: HandoffForm }
  | { readonly type: 'handoff-event'; readonly event: HandoffEvent }
  | { readonly type: 'handoff-failed'; readonly failure: HandoffFailure }
  | { readonly type: 'handoff-finished'; readonly warnings?: readonly string[] }
  | { readonly type: 'apply-filter'; readonly tab: TabId; readonly query: string };

export interface Step {
  readonly state: BrowserState;
  readonly effects: readonly Effect[];
}

const none: readonly Effect[] = [];

/** The whole browser's behaviour as a pure function: an action in, the next state and effects out. */
export function reduce(state: BrowserState, action: Action): Step {
  switch (action.type) {
    case 'key':
      return withPreview(onKey(state, action.key));
    case 'rows': {
      const current = state.tabs[action.tab];
      const { rows, unchanged } = reuseRows(current.rows, action.rows);
      if (unchanged && current.load.kind === 'ready') return { state, effects: none };
      const tab = refilter({ ...current, rows, load: { kind: 'ready' } }, action.tab, state.showArchived, state.listHeight);
      return withPreview({ state: setTab(state, action.tab, tab), effects: none });
    }
    case 'load':
      return { state: setTab(state, action.tab, { ...state.tabs[action.tab], load: action.load }), effects: none };
    case 'resize': {
      const listHeight = Math.max(1, action.listHeight);
      const tabs = Object.fromEntries(
        Object.entries(state.tabs).map(([id, t]) => [id, scrolled(t, listHeight)]),
      ) as Record<TabId, TabState>;
      return { state: { ...state, listHeight, tabs }, effects: none };
    }
    case 'message':
      return { state: { ...state, message: action.message, busy: null }, effects: none };
    case 'busy':
      return { state: { ...state, busy: action.busy }, effects: none };
    case 'preview': {
      const row = selectedRow(state);
      if (!row || row.id !== action.preview.rowId) return { state, effects: none };
      return { state: { ...state, preview: action.preview }, effects: none };
    }
    case 'apply-filter': {
      if (state.tab !== action.tab) return { state, effects: none };
      return withPreview({ state: applyFilter(state, action.query), effects: none });
    }
    case 'handoff-open':
      return { state: { ...state, mode: { kind: 'handoff', form: action.form }, busy: null }, effects: none };
    case 'handoff-event':
    case 'handoff-failed':
    case 'handoff-finished': {
      if (state.mode.kind !== 'progress') return { state, effects: none };
      const p = state.mode.progress;
      const progress =
        action.type === 'handoff-event'
          ? applyHandoffEvent(p, action.event)
          : action.type === 'handoff-failed'
            ? failProgress(p, action.failure)
            : finishProgress(p, action.warnings ?? []);
      return { state: { ...state, mode: { kind: 'progress', progress } }, effects: none };
    }
  }
}

/** Asks for the selected row's preview whenever the selection lands on another row. */
function withPreview(step: Step): Step {
  const row = selectedRow(step.state);
  if (!row) return step.state.preview === null ? step : { ...step, state: { ...step.state, preview: null } };
  if (step.state.preview?.rowId === row.id) return step;
  if (row.kind === 'machine') return { ...step, state: { ...step.state, preview: null } };
  const preview: Preview = { rowId: row.id, status: 'loading', messages: [], note: null, scroll: 0 };
  return {
    state: { ...step.state, preview },
    effects: [...step.effects, { type: 'load-preview', tab: step.state.tab, rowId: row.id }],
  };
}

function setTab(state: BrowserState, id: TabId, tab: TabState): BrowserState {
  return { ...state, tabs: { ...state.tabs, [id]: tab } };
}

function setMode(state: BrowserState, mode: Mode, message: Message | null = null): BrowserState {
  return { ...state, mode, message };
}

const browse: Mode = { kind: 'browse' };
const info = (text: string): Message => ({ tone: 'info', text });
const error = (text: string, hint?: string): Message => ({ tone: 'error', text, hint: hint ?? null });

function onKey(state: BrowserState, key: Key): Step {
  const mode = state.mode;
  switch (mode.kind) {
    case 'browse':
      // A failure stays until it is read: the key that dismisses it does nothing else.
      if (state.message?.tone === 'error') return { state: { ...state, message: null }, effects: none };
      return browseKey({ ...state, message: null }, key);
    case 'help':
      return { state: setMode(state, browse), effects: none };
    case 'filter': {
      const r = editText(mode.input, key);
      if (r.kind === 'cancel') return { state: applyFilter(setMode(state, browse), ''), effects: none };
      if (r.kind === 'submit') return { state: applyFilter(setMode(state, browse), r.value), effects: none };
      if (r.kind === 'ignored') {
        if (key.name === 'up' || key.name === 'down') return browseKey(state, key);
        return { state, effects: none };
      }
      // The typed text shows at once; the search over thousands of rows follows (see the 'filter' effect).
      return {
        state: setMode(state, { kind: 'filter', input: r.input }),
        effects: [{ type: 'filter', tab: state.tab, query: r.input.value }],
      };
    }
    case 'prompt': {
      if (mode.purpose === 'new' && key.name === 'tab') {
        const agent = AGENTS[(AGENTS.indexOf(mode.agent ?? 'claude') + 1) % AGENTS.length]!;
        return { state: setMode(state, { ...mode, agent, label: newSessionLabel(agent) }), effects: none };
      }
      const r = editText(mode.input, key);
      if (r.kind === 'cancel') return { state: setMode(state, browse), effects: none };
      if (r.kind === 'ignored') return { state, effects: none };
      if (r.kind === 'edit') return { state: setMode(state, { ...mode, input: r.input }), effects: none };
      const title = r.value.trim();
      if (mode.purpose === 'message') {
        if (title === '') return { state: setMode(state, mode, error('the message is empty')), effects: none };
        return { state: { ...setMode(state, browse), busy: 'sending…' }, effects: [{ type: 'send', sessionId: mode.targetId!, text: r.value }] };
      }
      if (mode.purpose === 'rename') {
        if (title === '') return { state: setMode(state, mode, error('the title cannot be empty')), effects: none };
        return { state: setMode(state, browse), effects: [{ type: 'rename', sessionId: mode.targetId!, title }] };
      }
      return { state: setMode(state, browse), effects: [{ type: 'new', title, agent: mode.agent ?? 'claude' }] };
    }
    case 'confirm':
      if (key.name === 'y' || key.name === 'Y') return { state: setMode(state, browse), effects: [mode.effect] };
      return { state: setMode(state, browse, info('cancelled')), effects: none };
    case 'handoff': {
      const r = handoffFormKey(mode.form, key);
      if (r.kind === 'cancel') return { state: setMode(state, browse), effects: none };
      if (r.kind === 'form') return { state: setMode(state, { kind: 'handoff', form: r.form }), effects: none };
      return {
        state: setMode(state, { kind: 'progress', progress: startProgress(r.request) }),
        effects: [{ type: 'run-handoff', request: r.request }],
      };
    }
    case 'progress':
      if (mode.progress.finished && (key.name === 'enter' || key.name === 'escape' || key.name === 'q')) {
        return { state: setMode(state, browse), effects: [{ type: 'refresh' }] };
      }
      return { state, effects: none };
  }
}

function applyFilter(state: BrowserState, filter: string): BrowserState {
  const tab = currentTab(state);
  if (tab.filter === filter) return state;
  // A new query starts from its best match, at the top.
  const next = refilter({ ...tab, filter, selectedId: null, cursor: 0, top: 0 }, state.tab, state.showArchived, state.listHeight);
  return setTab(state, state.tab, next);
}

function move(state: BrowserState, to: (cursor: number, count: number, page: number) => number): Step {
  const tab = currentTab(state);
  if (tab.visible.length === 0) return { state, effects: none };
  const cursor = Math.max(0, Math.min(tab.visible.length - 1, to(tab.cursor, tab.visible.length, state.listHeight)));
  if (cursor === tab.cursor) return { state, effects: none };
  const next = scrolled({ ...tab, cursor, selectedId: tab.visible[cursor]!.id }, state.listHeight);
  return { state: setTab(state, state.tab, next), effects: none };
}

function switchTab(state: BrowserState, tab: TabId): Step {
  return { state: { ...state, tab }, effects: none };
}

function scrollPreview(state: BrowserState, by: number): Step {
  if (!state.preview) return { state, effects: none };
  return { state: { ...state, preview: { ...state.preview, scroll: Math.max(0, state.preview.scroll + by) } }, effects: none };
}

function browseKey(state: BrowserState, key: Key): Step {
  switch (key.name) {
    case 'up':
    case 'k':
      return move(state, (c) => c - 1);
    case 'down':
    case 'j':
      return move(state, (c) => c + 1);
    case 'pageup':
      return move(state, (c, _n, page) => c - page);
    case 'pagedown':
      return move(state, (c, _n, page) => c + page);
    case 'g':
    case 'home':
      return move(state, () => 0);
    case 'G':
    case 'end':
      return move(state, (_c, n) => n - 1);
    case 'K':
      return scrollPreview(state, 3);
    case 'J':
      return scrollPreview(state, -3);
    case 'tab':
    case 'right':
      return switchTab(state, nextTab(state.tab, 1));
    case 'S-tab':
    case 'left':
      return switchTab(state, nextTab(state.tab, -1));
    case '1':
      return switchTab(state, 'sessions');
    case '2':
      return switchTab(state, 'direct');
    case '3':
      return switchTab(state, 'machines');
    case '/':
      return { state: setMode(state, { kind: 'filter', input: textInput(currentTab(state).filter) }), effects: none };
    case 'escape':
      return { state: applyFilter(state, ''), effects: none };
    case '?':
      return { state: setMode(state, { kind: 'help' }), effects: none };
    case 'q':
    case 'C-c':
      return { state, effects: [{ type: 'quit' }] };
    case 'r':
      return { state: { ...state, busy: 'refreshing…' }, effects: [{ type: 'refresh' }] };
    case 'A': {
      const showArchived = !state.showArchived;
      const tab = refilter(state.tabs.sessions, 'sessions', showArchived, state.listHeight);
      return {
        state: { ...setTab({ ...state, showArchived }, 'sessions', tab), message: info(showArchived ? 'showing archived sessions' : 'archived sessions hidden') },
        effects: none,
      };
    }
    case 'n':
      return {
        state: setMode(state, { kind: 'prompt', purpose: 'new', label: newSessionLabel('claude'), input: textInput(), targetId: null, agent: 'claude' }),
        effects: none,
      };
    case 'enter':
      return enterKey(state);
    case 't':
      return takeoverKey(state);
    case 'a':
    case 'R':
    case 's':
      return sessionKey(state, key.name);
    case 'h':
      return handoffKey(state);
    case 'm':
      return composeKey(state);
  }
  return { state, effects: none };
}

/** The new-session prompt names the provider it will start; Tab picks another. */
export function newSessionLabel(agent: Agent): string {
  return `New ${agent} session here, title (optional; Tab: claude/codex/opencode)`;
}

function enterKey(state: BrowserState): Step {
  const row = selectedRow(state);
  if (!row) return { state, effects: none };
  if (row.kind === 'direct') {
    const text = row.takenOver
      ? `already taken over as ${row.takenOver.slice(0, 8)}; find it on the Sessions tab`
      : 'a direct session: press t to take it over, or h to hand it off';
    return { state: { ...state, message: info(text) }, effects: none };
  }
  if (row.kind === 'machine') {
    return { state: { ...state, message: info(`${row.machine.name}: press h on a session to hand it off here`) }, effects: none };
  }
  const outcome = enterOutcome(row.view);
  if (outcome.kind === 'attach') return { state: { ...state, busy: 'attaching…' }, effects: [{ type: 'attach', sessionId: row.id }] };
  if (outcome.kind === 'resume') return { state: { ...state, busy: 'resuming…' }, effects: [{ type: 'resume', sessionId: row.id }] };
  return { state: { ...state, message: error(outcome.text) }, effects: none };
}

function takeoverKey(state: BrowserState): Step {
  const row = selectedRow(state);
  if (state.tab !== 'direct' || !row || row.kind !== 'direct') {
    return { state: { ...state, message: info('take over works on the Direct tab (press 2)') }, effects: none };
  }
  if (row.takenOver) {
    return { state: { ...state, message: info(`already taken over as ${row.takenOver.slice(0, 8)}`) }, effects: none };
  }
  return { state: { ...state, busy: 'taking over…' }, effects: [{ type: 'takeover', rowId: row.id }] };
}

function sessionKey(state: BrowserState, key: 'a' | 'R' | 's'): Step {
  const row = selectedRow(state);
  if (!row || row.kind !== 'session') {
    return { state: { ...state, message: info('that key works on the Sessions tab') }, effects: none };
  }
  const s = row.view.session;
  if (key === 'R') {
    return {
      state: setMode(state, { kind: 'prompt', purpose: 'rename', label: 'New title', input: textInput(s.title), targetId: s.id }),
      effects: none,
    };
  }
  if (key === 'a') return { state, effects: [{ type: 'archive', sessionId: s.id, archived: !s.archived }] };
  if (!row.view.active) return { state: { ...state, message: info('it is not running') }, effects: none };
  return {
    state: setMode(state, { kind: 'confirm', text: `Stop "${s.title || s.id.slice(0, 8)}"? The provider process ends. (y/n)`, effect: { type: 'stop', sessionId: s.id } }),
    effects: none,
  };
}

/** `m`: a message to the selected session, when `happier send` could deliver one; else why not. */
function composeKey(state: BrowserState): Step {
  const row = selectedRow(state);
  if (!row || row.kind !== 'session') {
    return { state: { ...state, message: info('m sends a message to a session on the Sessions tab') }, effects: none };
  }
  const { session: s, input } = row.view;
  if (input.state === 'disabled') return { state: { ...state, message: error(`it takes no messages: ${inputReasonText(input.reason)}`) }, effects: none };
  return {
    state: setMode(state, { kind: 'prompt', purpose: 'message', label: `Message to ${s.title || s.id.slice(0, 8)}`, input: textInput(), targetId: s.id }),
    effects: none,
  };
}

function handoffKey(state: BrowserState): Step {
  const row = selectedRow(state);
  if (!row || row.kind === 'machine') {
    return { state: { ...state, message: info('pick a session (Sessions or Direct tab) to hand off') }, effects: none };
  }
  if (row.kind === 'session' && !row.view.ownedHere) {
    const owner = row.view.ownerMachineName ?? 'another machine';
    return { state: { ...state, message: error(`it is owned by ${owner}, so only ${owner} can hand it off`) }, effects: none };
  }
  return { state: { ...state, busy: 'checking machines…' }, effects: [{ type: 'prepare-handoff', tab: state.tab, rowId: row.id }] };
}
