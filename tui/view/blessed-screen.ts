import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';
import type { KeyPress, Line, ModalPane, Pane, Rect, ScreenSize, Tone, ViewScreen } from './view.js';

export interface BlessedScreenOptions {
  /** Defaults to the process's own streams; tests pass a fake tty. */
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
  readonly color: boolean;
  readonly terminal?: string;
}

type Blessed = typeof import('blessed');

const COLOR_TAGS: Record<Tone, string> = {
  plain: '',
  dim: '{gray-fg}',
  bold: '{bold}',
  accent: '{cyan-fg}',
  good: '{green-fg}',
  warn: '{yellow-fg}',
  bad: '{red-fg}{bold}',
  header: '{bold}{underline}',
  selected: '{inverse}',
  tab: '',
  'tab-active': '{inverse}{bold}',
  cursor: '{inverse}',
};

/** Without colour, meaning is carried by weight and inversion only. */
const MONO_TAGS: Record<Tone, string> = {
  ...COLOR_TAGS,
  dim: '',
  accent: '',
  good: '',
  warn: '',
  bad: '{bold}',
};

export function createBlessedScreen(opts: BlessedScreenOptions): ViewScreen {
  // neo-blessed is CommonJS and loaded on demand: only the browser pays for it.
  const blessed = createRequire(import.meta.url)('neo-blessed') as Blessed;
  const screen = blessed.screen({
    input: opts.input,
    output: opts.output,
    terminal: opts.terminal ?? process.env.TERM ?? 'xterm-256color',
    smartCSR: true,
    fullUnicode: true,
    forceUnicode: true,
    warnings: false,
    autoPadding: false,
    dockBorders: false,
  } as Widgets.IScreenOptions);
  // Box-drawing characters go out as UTF-8, not through the terminal's alternate charset:
  // under TERM=screen blessed would use ACS, which tmux's capture (and some fonts) show as `qqq`.
  (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  screen.program.hideCursor();
  const tags = opts.color ? COLOR_TAGS : MONO_TAGS;

  const toContent = (lines: readonly Line[]): string =>
    lines
      .map((line) =>
        line.map((span) => {
          const open = tags[span.tone ?? 'plain'];
          const text = blessed.escape(span.text);
          return open ? `${open}${text}{/}` : text;
        }).join(''),
      )
      .join('\n');

  const pane = (): Pane => {
    const box = blessed.box({ parent: screen, tags: true, wrap: false, top: 0, left: 0, width: 1, height: 1 });
    let content = '';
    return {
      place(r: Rect) {
        box.top = r.top;
        box.left = r.left;
        box.width = Math.max(1, r.width);
        box.height = Math.max(1, r.height);
      },
      setLines(lines) {
        const next = toContent(lines);
        if (next === content) return;
        content = next;
        box.setContent(next);
      },
      setVisible(visible) {
        if (visible) box.show();
        else box.hide();
      },
    };
  };

  const modalBox = blessed.box({
    parent: screen,
    tags: true,
    wrap: false,
    border: { type: 'line' },
    top: 'center',
    left: 'center',
    width: 10,
    height: 5,
    hidden: true,
    style: { border: opts.color ? { fg: 'cyan' } : {} },
  });
  let shown = '';
  const modal: ModalPane = {
    open(title, lines, size) {
      const { cols, rows } = sizeOf();
      const key = `${title}\u0000${size.width}x${size.height}@${cols}x${rows}\u0000${toContent(lines)}`;
      if (key === shown && !modalBox.hidden) return;
      shown = key;
      modalBox.width = Math.min(cols, size.width + 2);
      modalBox.height = Math.min(rows, size.height + 2);
      modalBox.setLabel(` ${title} `);
      modalBox.setContent(toContent(lines));
      modalBox.show();
      modalBox.setFront();
    },
    close() {
      if (modalBox.hidden) return;
      modalBox.hide();
    },
  };

  const sizeOf = (): ScreenSize => ({ cols: screen.width as number, rows: screen.height as number });

  const view: ViewScreen = {
    size: sizeOf,
    tabs: pane(),
    list: pane(),
    detail: pane(),
    status: pane(),
    modal,
    onKey(handler) {
      screen.on('keypress', (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => {
        const k = normalizeKey(ch, key);
        if (k) handler(k);
      });
    },
    onResize(handler) {
      screen.on('resize', handler);
    },
    render() {
      screen.render();
    },
    async suspend<T>(run: () => Promise<T>): Promise<T> {
      const program = screen.program as unknown as BlessedProgram;
      const input = program.input as NodeJS.ReadStream;
      const write = program.output.write;
      program.lsaveCursor('suspend');
      program.normalBuffer();
      program.showCursor();
      // Nothing of ours may reach the terminal while another program owns it.
      program.output.write = (() => true) as typeof write;
      input.pause();
      input.setRawMode?.(false);
      try {
        return await run();
      } finally {
        input.setRawMode?.(true);
        input.resume();
        program.output.write = write;
        program.alternateBuffer();
        program.hideCursor();
        screen.alloc();
        screen.render();
        program.lrestoreCursor('suspend', true);
      }
    },
    destroy() {
      screen.program.showCursor();
      screen.destroy();
    },
  };
  return view;
}

interface BlessedProgram {
  input: NodeJS.ReadableStream;
  output: { write: (data: string) => boolean };
  lsaveCursor(key: string): void;
  lrestoreCursor(key: string, hide?: boolean): void;
  normalBuffer(): void;
  alternateBuffer(): void;
  showCursor(): void;
  hideCursor(): void;
}

/** blessed reports Enter twice (`return`, then `enter`); only `enter` is kept. */
export function normalizeKey(ch: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean; shift?: boolean; full?: string } | undefined): KeyPress | null {
  const name = key?.name;
  if (name === 'return') return null;
  if (name === 'enter' || name === 'linefeed') return { name: 'enter', printable: null };
  if (key?.ctrl && name) return { name: `C-${name}`, printable: null };
  if (key?.meta) return null;
  if (ch && [...ch].length === 1 && ch >= ' ' && ch !== '\x7f' && name !== 'escape' && name !== 'tab' && name !== 'backspace') {
    return { name: ch, printable: ch };
  }
  if (!name) return null;
  if (name === 'tab' && key?.shift) return { name: 'S-tab', printable: null };
  return { name, printable: null };
}
