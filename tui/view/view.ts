/**
 * tui's own small view layer. Everything outside tui/view/ draws through these types, so
 * the widget library underneath (neo-blessed today) can be swapped without touching the
 * state model or the renderers.
 */

/** What a span of text means; the screen decides how that looks (colour, or none under NO_COLOR). */
export type Tone = 'plain' | 'dim' | 'bold' | 'accent' | 'good' | 'warn' | 'bad' | 'header' | 'selected' | 'tab' | 'tab-active' | 'cursor';

export interface Span {
  readonly text: string;
  readonly tone?: Tone;
}

export type Line = readonly Span[];

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
}

/** A rectangle of text lines. Setting the same lines again draws nothing. */
export interface Pane {
  place(rect: Rect): void;
  setLines(lines: readonly Line[]): void;
  setVisible(visible: boolean): void;
}

/** A bordered box over everything else, centred; its lines are the inside. */
export interface ModalPane {
  open(title: string, lines: readonly Line[], size: { width: number; height: number }): void;
  close(): void;
}

export interface ScreenSize {
  readonly cols: number;
  readonly rows: number;
}

export interface KeyPress {
  readonly name: string;
  readonly printable: string | null;
}

export interface ViewScreen {
  size(): ScreenSize;
  readonly tabs: Pane;
  readonly list: Pane;
  readonly detail: Pane;
  readonly status: Pane;
  readonly modal: ModalPane;
  onKey(handler: (key: KeyPress) => void): void;
  onResize(handler: () => void): void;
  /** Draws what changed since the last render. */
  render(): void;
  /**
   * Gives the terminal to another program (a tmux client) while `run` lasts, then takes
   * it back and repaints everything.
   */
  suspend<T>(run: () => Promise<T>): Promise<T>;
  destroy(): void;
}

export function plain(text: string): Line {
  return [{ text }];
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}
