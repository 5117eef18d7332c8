import { spawnSync } from 'node:child_process';

/**
 * A test's own tmux server (`tmux -S <socket>`), for driving provider TUIs as a user
 * would: read the screen, type a line, wait for text. Killing this server stops only what
 * the test started on it.
 */
export interface TestTmux {
  readonly socket: string;
  run(args: readonly string[], env?: Record<string, string>): { code: number | null; stdout: string; stderr: string };
  /** Starts `argv` in a new detached session named `name`, with exactly `env`. */
  start(name: string, argv: readonly string[], opts: { cwd: string; env: Record<string, string> }): void;
  /** The pane's text with history, or a note saying why there is none. */
  capture(name: string): string;
  hasSession(name: string): boolean;
  /** The text, a short pause for the TUI to take it, then Enter. */
  typeLine(name: string, text: string): Promise<void>;
  sendKeys(name: string, keys: readonly string[]): void;
  waitForText(name: string, text: string, timeoutMs: number): Promise<void>;
  killServer(): void;
}

export function testTmux(socket: string): TestTmux {
  const target = (name: string) => `=${name}:`;
  const t: TestTmux = {
    socket,
    run(args, env) {
      const r = spawnSync('tmux', ['-S', socket, ...args], {
        encoding: 'utf8',
        env: env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    start(name, argv, opts) {
      // The server takes the environment of whoever starts it; `-e` covers a running one.
      const envArgs = Object.entries(opts.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      const r = t.run(['new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', opts.cwd, ...envArgs, '--', ...argv], opts.env);
      if (r.code !== 0) throw new Error(`tmux new-session ${name} failed: ${r.stderr}`);
    },
    capture(name) {
      const r = t.run(['capture-pane', '-p', '-J', '-S', '-200', '-t', target(name)]);
      return r.code === 0 ? r.stdout.replace(/\n{3,}/g, '\n\n') : `(no pane: ${r.stderr.trim()})`;
    },
    hasSession: (name) => t.run(['has-session', '-t', `=${name}`]).code === 0,
    async typeLine(name, text) {
      if (t.run(['send-keys', '-t', target(name), '-l', text]).code !== 0) throw new Error(`cannot type into ${name}`);
      await sleep(400);
      if (t.run(['send-keys', '-t', target(name), 'Enter']).code !== 0) throw new Error(`cannot press Enter in ${name}`);
    },
    sendKeys(name, keys) {
      t.run(['send-keys', '-t', target(name), ...keys]);
    },
    async waitForText(name, text, timeoutMs) {
      await waitUntil(`${JSON.stringify(text)} in tmux pane ${name}`, () => t.capture(name).includes(text), timeoutMs);
    },
    killServer() {
      t.run(['kill-server']);
    },
  };
  return t;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitUntil(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}
