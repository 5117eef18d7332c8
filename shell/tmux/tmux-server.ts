import type { ProcessRunner, RunResult } from '../../src/domain/process-runner.js';
import { HappierError } from '../../src/domain/errors.js';
import type { TmuxServerIdentity } from '../../src/domain/session.js';

/** Which tmux binary and server happier talks to. A null socket means tmux's default server. */
export interface TmuxServer {
  readonly bin: string;
  readonly socket: string | null;
}

export function tmuxServerFromEnv(env: Readonly<Record<string, string | undefined>>): TmuxServer {
  return { bin: env.HAPPIER_TMUX_BIN || 'tmux', socket: env.HAPPIER_TMUX_SOCKET || null };
}

/**
 * `-u` always: without a UTF-8 locale (ssh commands, cron, systemd units) tmux 3.3 prints
 * every byte outside printable ASCII as `_` in `-F` output, tabs included, and draws a
 * UTF-8 pane's screen with `_` too.
 */
export function tmuxArgs(server: TmuxServer, args: readonly string[]): string[] {
  return server.socket ? ['-u', '-S', server.socket, ...args] : ['-u', ...args];
}

/** `=` makes tmux match the name exactly instead of as a prefix or pattern. */
export function sessionTarget(name: string): string {
  return `=${name}`;
}

/** The active pane of a session's active window; the trailing colon makes it a window target. */
export function paneTarget(name: string): string {
  return `=${name}:`;
}

/** Runs one tmux command line; a missing tmux becomes an error a user can act on. */
export async function runTmux(
  runner: ProcessRunner,
  server: TmuxServer,
  args: readonly string[],
  opts: { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<RunResult> {
  const res = await runner.run(server.bin, tmuxArgs(server, args), { timeoutMs: 10_000, ...(opts.env ? { env: opts.env } : {}) });
  if (res.code === 127) {
    throw new HappierError('TMUX_FAILED', `cannot run tmux (${server.bin})`, {
      hint: 'install tmux, or point HAPPIER_TMUX_BIN at it',
    });
  }
  return res;
}

export interface PaneInfo {
  readonly server: TmuxServerIdentity;
  readonly sessionName: string;
  readonly panePid: number;
  readonly dead: boolean;
  readonly currentCommand: string;
  /** The exit status of a dead pane's process, when tmux knows it. */
  readonly deadStatus: number | null;
}

// tmux prints a tab or newline in a session name as `\t` and `\n`, so the name is safe as the
// last field; the command name is the one other free text, and its tabs become spaces.
const PANE_FORMAT = [
  '#{pid}',
  '#{start_time}',
  '#{pane_pid}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{s/\t/ /:pane_current_command}',
  '#{session_name}',
].join('\t');
const FIXED_FIELDS = 6;

export function parsePanes(stdout: string): PaneInfo[] {
  const out: PaneInfo[] = [];
  for (const line of stdout.split('\n')) {
    const fields = line.split('\t');
    if (fields.length <= FIXED_FIELDS) continue;
    const [serverPid, startTime, pid, dead, status, cmd] = fields;
    const sessionName = fields.slice(FIXED_FIELDS).join('\t');
    if (!sessionName || !/^\d+$/.test(pid!) || !/^\d+$/.test(serverPid!)) continue;
    out.push({
      server: { pid: Number(serverPid), startTime: Number(startTime) },
      sessionName,
      panePid: Number(pid),
      dead: dead === '1',
      currentCommand: cmd ?? '',
      deadStatus: status ? Number(status) : null,
    });
  }
  return out;
}

/**
 * Every pane on the server, from one `list-panes -a` call. No server running, or no
 * tmux installed, both mean nothing is live.
 */
export async function listPanes(runner: ProcessRunner, server: TmuxServer): Promise<PaneInfo[]> {
  const res = await runner.run(server.bin, tmuxArgs(server, ['list-panes', '-a', '-F', PANE_FORMAT]), {
    timeoutMs: 5_000,
  });
  if (res.code !== 0) return [];
  return parsePanes(res.stdout);
}

/** The panes of one session; empty when it does not exist. */
export async function sessionPanes(runner: ProcessRunner, server: TmuxServer, name: string): Promise<PaneInfo[]> {
  const res = await runner.run(server.bin, tmuxArgs(server, ['list-panes', '-s', '-t', sessionTarget(name), '-F', PANE_FORMAT]), {
    timeoutMs: 5_000,
  });
  if (res.code !== 0) return [];
  return parsePanes(res.stdout);
}

export function liveSessionNames(panes: readonly PaneInfo[]): Set<string> {
  return new Set(panes.filter((p) => !p.dead).map((p) => p.sessionName));
}

export async function killSession(runner: ProcessRunner, server: TmuxServer, name: string): Promise<void> {
  await runTmux(runner, server, ['kill-session', '-t', sessionTarget(name)]);
}
