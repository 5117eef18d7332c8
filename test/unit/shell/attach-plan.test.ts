import { describe, expect, it } from 'vitest';
import { attachPlan, type AttachPlanInput } from '../../../shell/attach-plan.js';

const id = '3f2a9c1e-0ffe-4a7b-9c2d-1e2f3a4b5c6d';
const base: AttachPlanInput = {
  sessionId: id,
  terminal: { kind: 'tmux', sessionName: 'happier-3f2a9c1e', socket: '/tmp/h/tmux.sock' },
  ownedHere: true,
  owner: null,
  running: true,
  tmux: { bin: 'tmux', socketPath: '/tmp/h/tmux.sock' },
  enclosingTmuxSocket: null,
};

describe('attachPlan', () => {
  it('attaches with attach-session outside tmux', () => {
    expect(attachPlan(base)).toEqual({
      kind: 'tmux',
      mode: 'attach',
      sessionName: 'happier-3f2a9c1e',
      bin: 'tmux',
      args: ['-u', '-S', '/tmp/h/tmux.sock', 'attach-session', '-t', '=happier-3f2a9c1e'],
    });
  });

  it('names the recorded socket even for the default server, so $TMUX_TMPDIR cannot move it', () => {
    const plan = attachPlan({ ...base, tmux: { bin: '/opt/tmux', socketPath: '/tmp/tmux-1000/default' } });
    expect(plan).toEqual({
      kind: 'tmux',
      mode: 'attach',
      sessionName: 'happier-3f2a9c1e',
      bin: '/opt/tmux',
      args: ['-u', '-S', '/tmp/tmux-1000/default', 'attach-session', '-t', '=happier-3f2a9c1e'],
    });
  });

  it('switches the enclosing client when it belongs to the same server', () => {
    expect(attachPlan({ ...base, enclosingTmuxSocket: '/tmp/h/tmux.sock' })).toEqual({
      kind: 'tmux',
      mode: 'switch',
      sessionName: 'happier-3f2a9c1e',
      bin: 'tmux',
      args: ['-u', '-S', '/tmp/h/tmux.sock', 'switch-client', '-t', '=happier-3f2a9c1e'],
    });
  });

  it('nests inside a different tmux server, with $TMUX cleared so tmux allows it', () => {
    expect(attachPlan({ ...base, enclosingTmuxSocket: '/tmp/tmux-1000/default' })).toEqual({
      kind: 'tmux',
      mode: 'nested',
      sessionName: 'happier-3f2a9c1e',
      bin: 'env',
      args: ['-u', 'TMUX', '-u', 'TMUX_PANE', 'tmux', '-u', '-S', '/tmp/h/tmux.sock', 'attach-session', '-t', '=happier-3f2a9c1e'],
    });
  });

  it('says the session is not running, and how to resume it', () => {
    expect(attachPlan({ ...base, running: false })).toEqual({
      kind: 'not-attachable',
      reason: 'not-running',
      message: 'session 3f2a9c1e is not running',
      hint: 'reopen it with `happier resume 3f2a9c1e`',
    });
  });

  it('gives the ssh -t line for a session owned by a machine it can reach', () => {
    expect(attachPlan({ ...base, ownedHere: false, owner: { name: 'build-box', sshTarget: 'dev@build.lan' } })).toEqual({
      kind: 'not-attachable',
      reason: 'other-owner',
      message: 'session 3f2a9c1e is owned by build-box',
      hint: `run: ssh -t dev@build.lan '$SHELL -lc "happier attach ${id}"'`,
    });
  });

  it('says how to add the owner when its ssh target is unknown', () => {
    expect(attachPlan({ ...base, ownedHere: false, owner: { name: 'laptop', sshTarget: null } })).toEqual({
      kind: 'not-attachable',
      reason: 'other-owner',
      message: 'session 3f2a9c1e is owned by laptop',
      hint: 'add that machine with `happier machine add laptop <ssh-target>`, then attach over ssh -t',
    });
  });

  it('refuses a session that happier did not start', () => {
    expect(attachPlan({ ...base, terminal: null, running: false })).toEqual({
      kind: 'not-attachable',
      reason: 'outside-happier',
      message: 'session 3f2a9c1e was not started by happier, so happier does not know its terminal',
      hint: 'if it is not running, reopen it with `happier resume 3f2a9c1e`',
    });
  });

  it('focuses the recorded Windows Terminal tab', () => {
    const terminal = { kind: 'windows-terminal' as const, wtSession: 'a1b2c3d4-0000-4000-8000-000000000000', window: 'happier', tab: 2 };
    expect(attachPlan({ ...base, terminal, running: false })).toEqual({
      kind: 'windows-terminal',
      bin: 'wt.exe',
      args: ['-w', 'happier', 'focus-tab', '-t', '2'],
    });
  });
});
