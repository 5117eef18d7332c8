import { isHappierError } from '../../src/domain/errors.js';
import { browserFrame } from '../render/browser-frame.js';
import { listRowsFor, browserLayout } from '../render/layout.js';
import { reduce, type Action } from '../state/browser-reducer.js';
import type { DirectRow } from '../state/browser-rows.js';
import { initialState, selectedRow, type BrowserState, type Effect, type Message } from '../state/browser-state.js';
import type { TabId } from '../state/tabs.js';
import type { ViewScreen } from '../view/view.js';
import type { BrowserServices, WatchTarget } from './browser-services.js';

export interface BrowserOptions {
  readonly now: () => Date;
  readonly home: string;
  /** How long file events settle before a refresh; they come in bursts while a provider writes. */
  readonly debounceMs?: number;
  readonly previewDelayMs?: number;
}

export interface BrowserHandle {
  dispatch(action: Action): void;
  state(): BrowserState;
  /** Resolves when the user quits. */
  readonly done: Promise<void>;
  /** Resolves when every tab has loaded once (for tests and the benchmark). */
  readonly loaded: Promise<void>;
  refresh(): Promise<void>;
  quit(): void;
}

function failureMessage(err: unknown): Message {
  if (isHappierError(err)) return { tone: 'error', text: err.message, hint: err.hint ?? null };
  return { tone: 'error', text: `unexpected failure: ${(err as Error)?.message ?? String(err)}`, hint: 'set HAPPIER_DEBUG=1 and run the CLI command for details' };
}

/** Runs the browser on a view until the user quits: state in one place, painted after every change. */
export function startBrowser(view: ViewScreen, services: BrowserServices, opts: BrowserOptions): BrowserHandle {
  const size = view.size();
  let state = initialState({
    settings: services.settings(),
    selfMachineId: services.selfMachineId,
    listHeight: listRowsFor(browserLayout(size.cols, size.rows)),
  });
  let quitting = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let previewTimer: NodeJS.Timeout | undefined;
  let stopWatching: (() => Promise<void>) | undefined;
  const debounce = new Map<WatchTarget, NodeJS.Timeout>();
  let terminalBusy = false;
  let pendingFilter: { tab: TabId; query: string } | null = null;

  const paint = () => {
    if (quitting) return;
    const { cols, rows } = view.size();
    const frame = browserFrame(state, cols, rows, { now: opts.now(), home: opts.home });
    view.tabs.place(frame.layout.tabs);
    view.list.place(frame.layout.list);
    view.detail.place(frame.layout.detail);
    view.status.place(frame.layout.status);
    view.tabs.setLines(frame.tabs);
    view.list.setLines(frame.list);
    view.detail.setLines(frame.detail);
    view.status.setLines(frame.status);
    if (frame.overlay) view.modal.open(frame.overlay.title, frame.overlay.lines, frame.overlay);
    else view.modal.close();
    view.render();
  };

  const dispatch = (action: Action) => {
    if (quitting) return;
    const step = reduce(state, action);
    const changed = step.state !== state;
    state = step.state;
    if (changed) paint();
    for (const e of step.effects) void run(e);
  };

  const report = (p: Promise<string | null | void>) =>
    p.then(
      (text) => dispatch({ type: 'message', message: text ? { tone: 'info', text } : null }),
      (err) => dispatch({ type: 'message', message: failureMessage(err) }),
    );

  const loadTab = async (tab: TabId) => {
    try {
      const rows = tab === 'sessions' ? await services.loadSessions() : tab === 'direct' ? await services.loadDirect() : await services.loadMachines();
      dispatch({ type: 'rows', tab, rows });
    } catch (err) {
      const load = isHappierError(err) && err.details.notAvailable
        ? { kind: 'unavailable' as const, reason: err.message }
        : { kind: 'error' as const, message: failureMessage(err).text };
      dispatch({ type: 'load', tab, load });
    }
  };

  const checkMachines = () =>
    services.checkMachines().then(
      (rows) => dispatch({ type: 'rows', tab: 'machines', rows }),
      () => undefined,
    );

  const refresh = async (which: readonly TabId[] = ['sessions', 'direct', 'machines']) => {
    // Sessions first and painted: the direct scan reads thousands of files and must not hold up the first screen.
    if (which.includes('sessions')) {
      await loadTab('sessions');
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(which.filter((t) => t !== 'sessions').map(loadTab));
    // Peers are checked in the background: an offline one must not hold up the list.
    if (which.includes('machines')) void checkMachines();
    if (state.busy === 'refreshing…') dispatch({ type: 'busy', busy: null });
    reloadPreview();
  };

  const reloadPreview = () => {
    const row = selectedRow(state);
    if (row && row.kind !== 'machine') void loadPreview(row.id);
  };

  const loadPreview = async (rowId: string) => {
    const row = selectedRow(state);
    if (!row || row.id !== rowId) return;
    try {
      const messages = await services.readPreview(row);
      const scroll = state.preview?.rowId === rowId ? state.preview.scroll : 0;
      dispatch({ type: 'preview', preview: { rowId, status: 'ready', messages, note: null, scroll } });
    } catch (err) {
      const unavailable = isHappierError(err) && (err.details.notAvailable || err.code === 'NOT_FOUND' || err.code === 'UNSUPPORTED_PROVIDER');
      dispatch({
        type: 'preview',
        preview: { rowId, status: unavailable ? 'unavailable' : 'error', messages: [], note: failureMessage(err).text, scroll: 0 },
      });
    }
  };

  /** Attach and resume hand the terminal over; only one at a time. */
  const withTerminal = async (work: () => Promise<string | null>) => {
    if (terminalBusy) return;
    terminalBusy = true;
    try {
      await report(work());
    } finally {
      terminalBusy = false;
      void refresh(['sessions']);
    }
  };

  const run = async (e: Effect): Promise<void> => {
    switch (e.type) {
      case 'quit':
        return quit();
      case 'refresh':
        return refresh();
      case 'filter':
        // Keys typed faster than the search runs are folded into one search for the latest text.
        if (pendingFilter === null) {
          setImmediate(() => {
            const f = pendingFilter;
            pendingFilter = null;
            if (f) dispatch({ type: 'apply-filter', tab: f.tab, query: f.query });
          });
        }
        pendingFilter = { tab: e.tab, query: e.query };
        return;
      case 'load-preview':
        clearTimeout(previewTimer);
        previewTimer = setTimeout(() => void loadPreview(e.rowId), opts.previewDelayMs ?? 60);
        return;
      case 'attach':
        return withTerminal(() => services.attach(e.sessionId, view));
      case 'resume':
        return withTerminal(() => services.resume(e.sessionId, view));
      case 'new':
        return withTerminal(() => services.newSession(e.title, e.agent, view));
      case 'send':
        await report(services.send(e.sessionId, e.text));
        return void refresh(['sessions']);
      case 'stop':
        await report(services.stop(e.sessionId));
        return void refresh(['sessions']);
      case 'rename':
        await report(services.rename(e.sessionId, e.title));
        return void refresh(['sessions']);
      case 'archive':
        await report(services.setArchived(e.sessionId, e.archived));
        return void refresh(['sessions']);
      case 'takeover': {
        const row = state.tabs.direct.rows.find((r): r is DirectRow => r.id === e.rowId && r.kind === 'direct');
        if (!row) return;
        await report(services.takeover(row));
        return void refresh(['sessions', 'direct']);
      }
      case 'prepare-handoff': {
        const row = state.tabs[e.tab].rows.find((r) => r.id === e.rowId);
        if (!row) return;
        try {
          dispatch({ type: 'handoff-open', form: await services.prepareHandoff(row) });
        } catch (err) {
          dispatch({ type: 'message', message: failureMessage(err) });
        }
        return;
      }
      case 'run-handoff':
        try {
          const result = await services.handoff.run(e.request, (event) => dispatch({ type: 'handoff-event', event }));
          dispatch({ type: 'handoff-finished', warnings: result ? result.warnings : [] });
        } catch (err) {
          const m = failureMessage(err);
          dispatch({
            type: 'handoff-failed',
            failure: { code: isHappierError(err) ? err.code : 'INTERNAL', message: m.text, hint: m.hint ?? null },
          });
        }
        return;
    }
  };

  const onChange = (what: WatchTarget) => {
    clearTimeout(debounce.get(what));
    debounce.set(
      what,
      setTimeout(() => {
        debounce.delete(what);
        void refresh(what === 'registry' ? ['sessions', 'machines'] : ['direct', 'sessions']);
      }, opts.debounceMs ?? 200),
    );
  };

  const quit = () => {
    if (quitting) return;
    quitting = true;
    clearInterval(clock);
    clearTimeout(previewTimer);
    for (const t of debounce.values()) clearTimeout(t);
    void (async () => {
      await stopWatching?.().catch(() => undefined);
      view.destroy();
      resolveDone();
    })();
  };

  view.onKey((key) => {
    if (terminalBusy) return;
    dispatch({ type: 'key', key });
  });
  view.onResize(() => {
    const { cols, rows } = view.size();
    dispatch({ type: 'resize', listHeight: listRowsFor(browserLayout(cols, rows)) });
  });

  paint();
  // "3m ago" ages without any change to the data; blessed redraws only the cells that differ.
  const clock = setInterval(paint, 30_000);
  clock.unref();
  const loaded = refresh();
  // Watching starts once everything has loaded: setting up watchers over thousands of provider files
  // is real work, and the first screen comes first.
  void loaded.then(() => (quitting ? Promise.reject(new Error('quit')) : services.watch(onChange))).then(
    (stop) => {
      if (quitting) void stop();
      else stopWatching = stop;
    },
    (err) => {
      if (!quitting) dispatch({ type: 'message', message: failureMessage(err) });
    },
  );

  return { dispatch, state: () => state, done, loaded, refresh: () => refresh(), quit };
}
