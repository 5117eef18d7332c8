import type { Agent } from '../../src/domain/agent.js';
import type { Settings } from '../../src/domain/settings.js';
import type { BrowserRow } from './browser-rows.js';
import { fuzzyFilter } from './fuzzy-filter.js';
import type { HandoffForm, HandoffRequest } from './handoff-form.js';
import type { HandoffProgress } from './handoff-progress.js';
import { TABS, type TabId } from './tabs.js';
import type { TextInput } from './text-input.js';

export type LoadState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready' }
  /** The feature behind this tab has not been built or cannot run here. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'error'; readonly message: string };

export interface TabState {
  readonly rows: readonly BrowserRow[];
  readonly filter: string;
  /** `rows` after the filter (and, on Sessions, the archived toggle): what the list shows. */
  readonly visible: readonly BrowserRow[];
  readonly selectedId: string | null;
  readonly cursor: number;
  readonly top: number;
  readonly load: LoadState;
  /** The last filter's input and result, so a longer query only searches what matched before. */
  readonly memo: FilterMemo | null;
}

export interface FilterMemo {
  readonly rows: readonly BrowserRow[];
  readonly showArchived: boolean;
  readonly query: string;
  readonly result: readonly BrowserRow[];
}

export type PromptPurpose = 'rename' | 'new' | 'message';

export type Mode =
  | { readonly kind: 'browse' }
  | { readonly kind: 'filter'; readonly input: TextInput }
  | {
      readonly kind: 'prompt';
      readonly purpose: PromptPurpose;
      readonly label: string;
      readonly input: TextInput;
      readonly targetId: string | null;
      /** For a new session: the provider to start, cycled with Tab. */
      readonly agent?: Agent;
    }
  | { readonly kind: 'confirm'; readonly text: string; readonly effect: Effect }
  | { readonly kind: 'help' }
  | { readonly kind: 'handoff'; readonly form: HandoffForm }
  | { readonly kind: 'progress'; readonly progress: HandoffProgress };

export interface Message {
  readonly tone: 'info' | 'error';
  readonly text: string;
  readonly hint?: string | null;
}

export interface PreviewMessage {
  readonly role: string;
  readonly text: string;
  readonly at: string | null;
}

export interface Preview {
  readonly rowId: string;
  readonly status: 'loading' | 'ready' | 'unavailable' | 'error';
  readonly messages: readonly PreviewMessage[];
  /** Why there is no preview (unavailable, error). */
  readonly note: string | null;
  /** Lines scrolled up from the newest message. */
  readonly scroll: number;
}

export interface BrowserState {
  readonly tab: TabId;
  readonly tabs: Readonly<Record<TabId, TabState>>;
  readonly mode: Mode;
  readonly message: Message | null;
  /** What is running in the background, shown in the status line. */
  readonly busy: string | null;
  readonly listHeight: number;
  readonly showArchived: boolean;
  readonly preview: Preview | null;
  readonly settings: Settings;
  readonly selfMachineId: string;
}

/** Side effects the reducer asks for; the app carries them out and reports back with actions. */
export type Effect =
  | { readonly type: 'attach'; readonly sessionId: string }
  | { readonly type: 'resume'; readonly sessionId: string }
  | { readonly type: 'new'; readonly title: string; readonly agent: Agent }
  | { readonly type: 'stop'; readonly sessionId: string }
  | { readonly type: 'send'; readonly sessionId: string; readonly text: string }
  | { readonly type: 'takeover'; readonly rowId: string }
  | { readonly type: 'rename'; readonly sessionId: string; readonly title: string }
  | { readonly type: 'archive'; readonly sessionId: string; readonly archived: boolean }
  | { readonly type: 'prepare-handoff'; readonly tab: TabId; readonly rowId: string }
  | { readonly type: 'run-handoff'; readonly request: HandoffRequest }
  | { readonly type: 'load-preview'; readonly tab: TabId; readonly rowId: string }
  /** Runs the filter for what was typed; the app coalesces a burst of keys into one run. */
  | { readonly type: 'filter'; readonly tab: TabId; readonly query: string }
  | { readonly type: 'refresh' }
  | { readonly type: 'quit' };

const emptyTab: TabState = {
  rows: [],
  filter: '',
  visible: [],
  selectedId: null,
  cursor: 0,
  top: 0,
  load: { kind: 'loading' },
  memo: null,
};

export function initialState(opts: { settings: Settings; selfMachineId: string; listHeight: number }): BrowserState {
  return {
    tab: 'sessions',
    tabs: Object.fromEntries(TABS.map((t) => [t, emptyTab])) as Record<TabId, TabState>,
    mode: { kind: 'browse' },
    message: null,
    busy: null,
    listHeight: Math.max(1, opts.listHeight),
    showArchived: false,
    preview: null,
    settings: opts.settings,
    selfMachineId: opts.selfMachineId,
  };
}

export function currentTab(state: BrowserState): TabState {
  return state.tabs[state.tab];
}

export function selectedRow(state: BrowserState): BrowserRow | null {
  const t = currentTab(state);
  return t.visible[t.cursor] ?? null;
}

function archivedHidden(rows: readonly BrowserRow[], showArchived: boolean): readonly BrowserRow[] {
  if (showArchived) return rows;
  return rows.filter((r) => r.kind !== 'session' || !r.view.session.archived);
}

/**
 * Recomputes what a tab shows after its rows, filter or archive toggle changed. The
 * selection follows the selected row's id; if that row is gone it stays at the same
 * position, so a refresh never throws the user back to the top.
 */
export function refilter(tab: TabState, tabId: TabId, showArchived: boolean, listHeight: number): TabState {
  const m = tab.memo;
  // Typing one more character can only narrow the matches, so only the last matches are searched.
  const narrowing = m !== null && m.rows === tab.rows && m.showArchived === showArchived && m.query.trim() !== '' && tab.filter.startsWith(m.query);
  const all = tabId === 'sessions' ? archivedHidden(tab.rows, showArchived) : tab.rows;
  // Kept in the rows' own order, so equal scores rank exactly as a fresh search would.
  const base = narrowing ? keepOnly(all, m.result) : all;
  const visible = fuzzyFilter(base, tab.filter);
  const memo: FilterMemo = { rows: tab.rows, showArchived, query: tab.filter, result: visible };
  let cursor = tab.selectedId === null ? -1 : visible.findIndex((r) => r.id === tab.selectedId);
  if (cursor === -1) cursor = Math.min(tab.cursor, visible.length - 1);
  cursor = Math.max(0, cursor);
  return scrolled({ ...tab, visible, cursor, selectedId: visible[cursor]?.id ?? null, memo }, listHeight);
}

function keepOnly(rows: readonly BrowserRow[], matched: readonly BrowserRow[]): readonly BrowserRow[] {
  const keep = new Set(matched);
  return rows.filter((r) => keep.has(r));
}

/** Keeps the cursor on screen with as little scrolling as possible. */
export function scrolled(tab: TabState, listHeight: number): TabState {
  const h = Math.max(1, listHeight);
  let top = Math.min(tab.top, Math.max(0, tab.visible.length - h));
  if (tab.cursor < top) top = tab.cursor;
  if (tab.cursor >= top + h) top = tab.cursor - h + 1;
  return top === tab.top ? tab : { ...tab, top: Math.max(0, top) };
}
