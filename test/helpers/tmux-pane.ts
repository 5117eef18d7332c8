/**
 * A real terminal for end-to-end tests of full-screen programs: one tmux pane on an
 * isolated tmux server (its own socket), driven with send-keys and read with
 * capture-pane. Waits poll the screen until the text appears, never a fixed sleep.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TmuxPane {
  readonly socket: string;
  readonly target: string;
  capture(): string;
  /** tmux key names (`Enter`, `Escape`, `Down`) or literal text with `literal: true`. */
  send(...keys: string[]): void;
  type(text: string): void;
  waitFor(expected: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  tmux(...args: string[]): string;
  kill(): void;
}

export function startPane(opts: {
  argv: readonly string[];
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  cwd?: string;
}): TmuxPane {
  const dir = mkdtempSync(join(tmpdir(), 'happier-pane-'));
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const envArgs = Object.entries(opts.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux(
    'new-session', '-d', '-s', 'e2e',
    '-x', String(opts.cols ?? 80), '-y', String(opts.rows ?? 24),
    ...(opts.cwd ? ['-c', opts.cwd] : []),
    ...envArgs,
    '--', ...opts.argv,
  );
  tmux('set-option', '-g', 'remain-on-exit', 'on');
  const target = 'e2e:0.0';
  const capture = () => tmux('capture-pane', '-p', '-t', target);
  return {
    socket,
    target,
    capture,
    send: (...keys) => void tmux('send-keys', '-t', target, ...keys),
    type: (text) => void tmux('send-keys', '-t', target, '-l', text),
    tmux,
    async waitFor(expected, timeoutMs = 8_000) {
      const test =
        typeof expected === 'function' ? expected : typeof expected === 'string' ? (s: string) => s.includes(expected) : (s: string) => expected.test(s);
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      for (;;) {
        screen = capture();
        if (test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; the screen was:\n${screen}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
