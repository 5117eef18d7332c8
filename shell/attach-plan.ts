import type { TerminalRecord } from '../src/domain/session.js';
import { sshHappierLine } from './ssh-line.js';
import { tmuxArgs, sessionTarget } from './tmux/tmux-server.js';
import { windowsTerminalFocusPlan, type WindowsTerminalFocus } from './windows-terminal/wt-attach.js';

export interface AttachPlanInput {
  readonly sessionId: string;
  readonly terminal: TerminalRecord | null;
  readonly ownedHere: boolean;
  /** The owning machine, when it is another one. */
  readonly owner: { readonly name: string; readonly sshTarget: string | null } | null;
  /** Whether the recorded tmux session has a live pane on happier's server. */
  readonly running: boolean;
  /** The tmux binary, and the resolved socket of the server the session was recorded on. */
  readonly tmux: { readonly bin: string; readonly socketPath: string };
  /** The socket of the tmux server this process runs inside, from $TMUX; null outside tmux. */
  readonly enclosingTmuxSocket: string | null;
}

export type NotAttachableReason = 'not-running' | 'other-owner' | 'outside-happier';

export type AttachPlan =
  | {
      readonly kind: 'tmux';
      /**
       * `attach` takes over this terminal; `switch` moves the enclosing client; `nested`
       * attaches inside the pane of another tmux server, as a user who typed it would.
       */
      readonly mode: 'attach' | 'switch' | 'nested';
      readonly sessionName: string;
      readonly bin: string;
      readonly args: readonly string[];
    }
  | WindowsTerminalFocus
  | {
      readonly kind: 'not-attachable';
      readonly reason: NotAttachableReason;
      readonly message: string;
      readonly hint: string;
    };

/**
 * How to reach a session's terminal from here, decided without touching anything: the
 * caller gathers the facts (owner, liveness, $TMUX) and something thin carries it out.
 */
export function attachPlan(input: AttachPlanInput): AttachPlan {
  const id = input.sessionId;
  const short = id.slice(0, 8);
  if (!input.ownedHere) {
    const where = input.owner?.name ?? 'another machine';
    const ssh = input.owner?.sshTarget;
    return {
      kind: 'not-attachable',
      reason: 'other-owner',
      message: `session ${short} is owned by ${where}`,
      hint: ssh
        ? `run: ${sshHappierLine(ssh, ['attach', id])}`
        : `add that machine with \`happier machine add ${where} <ssh-target>\`, then attach over ssh -t`,
    };
  }
  const t = input.terminal;
  if (!t) {
    return {
      kind: 'not-attachable',
      reason: 'outside-happier',
      message: `session ${short} was not started by happier, so happier does not know its terminal`,
      hint: `if it is not running, reopen it with \`happier resume ${short}\``,
    };
  }
  if (t.kind === 'windows-terminal') return windowsTerminalFocusPlan(t);
  if (!input.running) {
    return {
      kind: 'not-attachable',
      reason: 'not-running',
      message: `session ${short} is not running`,
      hint: `reopen it with \`happier resume ${short}\``,
    };
  }
  const server = { bin: input.tmux.bin, socket: input.tmux.socketPath };
  const target = sessionTarget(t.sessionName);
  const inside = input.enclosingTmuxSocket;
  const attach = tmuxArgs(server, ['attach-session', '-t', target]);
  if (inside === null) return { kind: 'tmux', mode: 'attach', sessionName: t.sessionName, bin: server.bin, args: attach };
  if (inside === input.tmux.socketPath) {
    return { kind: 'tmux', mode: 'switch', sessionName: t.sessionName, bin: server.bin, args: tmuxArgs(server, ['switch-client', '-t', target]) };
  }
  // tmux refuses to attach while $TMUX names another server; without it, it nests.
  return { kind: 'tmux', mode: 'nested', sessionName: t.sessionName, bin: 'env', args: ['-u', 'TMUX', '-u', 'TMUX_PANE', server.bin, ...attach] };
}
