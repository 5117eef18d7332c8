/**
 * A terminal without a terminal: @xterm/headless parses everything a full-screen program
 * writes, and a fake tty stream feeds it, so a test can read the screen cell by cell.
 */
import xterm from '@xterm/headless';
import { PassThrough, Writable } from 'node:stream';

export interface HeadlessTerminal {
  readonly input: PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };
  readonly output: Writable & { isTTY: boolean; columns: number; rows: number };
  /** Resolves when everything written so far has been parsed. */
  flush(): Promise<void>;
  lines(): string[];
  text(): string;
  resize(cols: number, rows: number): void;
  /** Cells' attributes at a position, to check styling (inverse for the selection). */
  isInverse(row: number, col: number): boolean;
  isColored(row: number, col: number): boolean;
  dispose(): void;
}

export function headlessTerminal(cols: number, rows: number): HeadlessTerminal {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const output = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        term.write(typeof chunk === 'string' ? chunk : new Uint8Array(chunk), () => cb());
      },
    }),
    { isTTY: true, columns: cols, rows },
  );
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (_m: boolean) => {} });
  const cell = (row: number, col: number) => term.buffer.active.getLine(row)?.getCell(col);
  return {
    input,
    output,
    flush: () => new Promise((r) => term.write('', () => r())),
    lines() {
      const out: string[] = [];
      for (let i = 0; i < term.rows; i++) out.push(term.buffer.active.getLine(i)?.translateToString(true) ?? '');
      return out;
    },
    text() {
      return this.lines().join('\n');
    },
    resize(c, r) {
      term.resize(c, r);
      output.columns = c;
      output.rows = r;
      output.emit('resize');
    },
    isInverse: (row, col) => !!cell(row, col)?.isInverse(),
    isColored: (row, col) => {
      const c = cell(row, col);
      return !!c && (!c.isFgDefault() || !c.isBgDefault());
    },
    dispose: () => term.dispose(),
  };
}
