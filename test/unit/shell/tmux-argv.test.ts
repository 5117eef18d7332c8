import { describe, expect, it } from 'vitest';
import { escapeTmuxArgument, escapeTmuxFormat, tmuxSessionName } from '../../../shell/tmux/tmux-argv.js';
import { lastOutputLines } from '../../../shell/tmux/tmux-early-exit.js';
import { newSessionArgs } from '../../../shell/tmux/tmux-launch.js';
import { sendKeysArgs } from '../../../shell/tmux/tmux-keys.js';
import { parsePanes } from '../../../shell/tmux/tmux-server.js';
import { enclosingTmuxSocket, tmuxSocketPath } from '../../../shell/tmux/tmux-socket.js';

describe('tmux argv', () => {
  it('escapes only a trailing semicolon, which tmux would take for a command separator', () => {
    expect(['a;', ';', 'a\\;', 'a;b', 'plain'].map(escapeTmuxArgument)).toEqual(['a\\;', '\\;', 'a\\\\;', 'a;b', 'plain']);
  });

  it('doubles # in formats such as -c', () => {
    expect(escapeTmuxFormat('/tmp/#{x}#')).toBe('/tmp/##{x}##');
  });

  it('names sessions happier-<first 8 of the id>', () => {
    expect(tmuxSessionName('3f2a9c1e-0ffe-4a7b-9c2d-1e2f3a4b5c6d')).toBe('happier-3f2a9c1e');
  });

  it('starts the program without a shell, with the env, and keeps the pane for the first moments', () => {
    expect(
      newSessionArgs({
        sessionName: 'happier-3f2a9c1e',
        cwd: '/w/#1',
        argv: ['claude', '--session-id', 'x;'],
        env: { A: '1', TMUX: '/other,1,0', TMUX_PANE: '%1', GONE: undefined },
      }),
    ).toEqual([
      'new-session', '-d', '-s', 'happier-3f2a9c1e', '-c', '/w/##1', '-e', 'A=1',
      '--', 'env', '--', 'claude', '--session-id', 'x\\;',
      ';', 'set-option', '-w', '-t', '=happier-3f2a9c1e:', 'remain-on-exit', 'on',
    ]);
  });

  it('types text literally and sends key names as keys', () => {
    expect(sendKeysArgs('happier-1', { text: 'C-c' })).toEqual(['send-keys', '-t', '=happier-1:', '-l', '--', 'C-c']);
    expect(sendKeysArgs('happier-1', { key: 'C-c' })).toEqual(['send-keys', '-t', '=happier-1:', 'C-c']);
  });

  it('parses list-panes lines, dead panes with their status', () => {
    expect(parsePanes('happier-a\t42\t0\tnode\t\nhappier-b\t43\t1\tclaude\t1\n')).toEqual([
      { sessionName: 'happier-a', panePid: 42, dead: false, currentCommand: 'node', deadStatus: null },
      { sessionName: 'happier-b', panePid: 43, dead: true, currentCommand: 'claude', deadStatus: 1 },
    ]);
  });

  it("quotes a dead pane's last words without tmux's own notice", () => {
    const captured = 'Starting\nNo conversation found with session ID: abc\n\n\nPane is dead (status 1, Sun Nov 22 02:07:40 2026)\n';
    expect(lastOutputLines(captured)).toEqual(['Starting', 'No conversation found with session ID: abc']);
  });
});

describe('tmux sockets', () => {
  it('uses the configured socket, else the default under TMUX_TMPDIR or /tmp', () => {
    expect(tmuxSocketPath('/s/sock', {}, 1000)).toBe('/s/sock');
    expect(tmuxSocketPath(null, {}, 1000)).toBe('/tmp/tmux-1000/default');
    expect(tmuxSocketPath(null, { TMUX_TMPDIR: '/run/t/' }, 501)).toBe('/run/t/tmux-501/default');
  });

  it('reads the enclosing server from $TMUX, even with commas in the path', () => {
    expect(enclosingTmuxSocket({ TMUX: '/tmp/tmux-1000/default,1234,0' })).toBe('/tmp/tmux-1000/default');
    expect(enclosingTmuxSocket({ TMUX: '/tmp/a,b/sock,99,3' })).toBe('/tmp/a,b/sock');
    expect(enclosingTmuxSocket({})).toBeNull();
  });
});
