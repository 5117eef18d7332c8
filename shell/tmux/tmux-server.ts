import type { ProcessRunner } from '../../src/domain/process-runner.js';

/** Which tmux binary and server happier talks to. A null socket means tmux's default server. */
export interface TmuxServer {
  readonly bin: string;
  readonly socket: string | null;
}

export function tmuxServerFromEnv(env: Readonly<Record<string, string | undefined>>): TmuxServer {
  return { bin: env.HAPPIER_TMUX_BIN || 'tmux', socket: env.HAPPIER_TMUX_SOCKET || null };
}

export function tmuxArgs(server: TmuxServer, args: readonly string[]): string[] {
  return server.socket ? ['-S', server.socket, ...args] : [...args];
}

export interface PaneInfo {
  readonly sessionName: string;
  readonly panePid: number;
  readonly dead: boolean;
  readonly currentCommand: string;
}

const PANE_FORMAT = '#{session_name}\t#{pane_pid}\t#{pane_dead}\t#{pane_current_command}';

export function parsePanes(stdout: string): PaneInfo[] {
  const out: PaneInfo[] = [];
  for (const line of stdout.split('\n')) {
    const [sessionName, pid, dead, cmd] = line.split('\t');
    if (!sessionName || pid === undefined) continue;
    out.push({ sessionName, panePid: Number(pid), dead: dead === '1', currentCommand: cmd ?? '' });
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

export function liveSessionNames(panes: readonly PaneInfo[]): Set<string> {
  return new Set(panes.filter((p) => !p.dead).map((p) => p.sessionName));
}
