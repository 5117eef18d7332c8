import { describe, expect, it } from 'vitest';
import { escapeTmuxArgument, escapeTmuxFormat, STATUS_TITLE_WIDTH, statusLeft, tmuxSessionName } from '../../../shell/tmux/tmux-argv.js';
import { lastOutputLines } from '../../../shell/tmux/tmux-early-exit.js';
import { envFileText } from '../../../shell/tmux/tmux-env-file.js';
import { chooseUtf8Locale, withUtf8Locale } from '../../../shell/tmux/pane-locale.js';
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

  it('starts the program without a shell, its env from a file, and keeps the pane for the first moments', () => {
    const args = newSessionArgs(
      { sessionName: 'happier-3f2a9c1e', cwd: '/w/#1', argv: ['claude', '--session-id', 'x;'], env: { ANTHROPIC_API_KEY: 'sk-secret' } },
      '/run/h/env',
    );
    expect(args.slice(0, 7)).toEqual(['new-session', '-d', '-s', 'happier-3f2a9c1e', '-c', '/w/##1', '--']);
    const end = args.indexOf('remain-on-exit') + 2;
    expect(args.slice(end - 11, end)).toEqual(['/run/h/env', 'claude', '--session-id', 'x\\;', ';', 'set-option', '-w', '-t', '=happier-3f2a9c1e:', 'remain-on-exit', 'on']);
    expect(args.join(' ')).not.toContain('sk-secret');
    expect(args).not.toContain('-e');
  });

  it('gives the session a status-left that holds its whole name and title', () => {
    const args = newSessionArgs({ sessionName: 'happier-3f2a9c1e', cwd: '/w', argv: ['claude'], env: {}, title: 'fix #12 in the parser' }, '/run/h/env');
    expect(args.slice(args.indexOf('remain-on-exit') + 2)).toEqual([
      ';', 'set-option', '-t', '=happier-3f2a9c1e:', 'status-left', '[happier-3f2a9c1e] fix ##12 in the parser ',
      ';', 'set-option', '-t', '=happier-3f2a9c1e:', 'status-left-length', '41',
    ]);
  });

  it('cuts a long title and keeps control characters and wide text in their place', () => {
    const s = statusLeft('happier-3f2a9c1e', `日本語 ${'x'.repeat(60)}\u001b[31m`);
    expect(s.format.startsWith('[happier-3f2a9c1e] 日本語 xxx')).toBe(true);
    expect(s.format).toMatch(/… $/);
    expect(s.format).not.toContain('\u001b');
    expect(s.length).toBe(19 + STATUS_TITLE_WIDTH + 1);
    expect(statusLeft('happier-3f2a9c1e', '')).toEqual({ format: '[happier-3f2a9c1e] ', length: 19 });
  });

  it('writes the env file as sh assignments, quoted, without what tmux or the shell set', () => {
    expect(envFileText({ A: "it's", B: '', TMUX: '/x,1,0', TMUX_PANE: '%1', PWD: '/old', GONE: undefined, 'bad-name': 'x' })).toBe(
      "export A='it'\\''s'\nexport B=''\n",
    );
  });

  it('parses list-panes lines, dead panes with their status and the server they are on', () => {
    const server = { pid: 7, startTime: 1796639916 };
    expect(parsePanes('7\t1796639916\t42\t0\t\tnode\thappier-a\n7\t1796639916\t43\t1\t1\tclaude\thappier-b\n')).toEqual([
      { server, sessionName: 'happier-a', panePid: 42, dead: false, currentCommand: 'node', deadStatus: null },
      { server, sessionName: 'happier-b', panePid: 43, dead: true, currentCommand: 'claude', deadStatus: 1 },
    ]);
  });

  it('keeps session names with tabs, colons and non-ASCII letters whole', () => {
    const names = parsePanes('7\t1\t42\t0\t\tvim\twork\\tlog_ünïcode\n7\t1\t43\t0\t\tsh\ta\tb\n').map((p) => p.sessionName);
    expect(names).toEqual(['work\\tlog_ünïcode', 'a\tb']);
  });

  it('drops what a client without UTF-8 mode prints: no tabs, only underscores', () => {
    expect(parsePanes('7_1796639916_42_0__node_happier-a\n')).toEqual([]);
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

describe('pane locale', () => {
  it('gives a pane started without a locale a UTF-8 one the machine has', () => {
    expect(withUtf8Locale({ PATH: '/bin' }, ['C', 'C.utf8', 'POSIX'])).toEqual({ PATH: '/bin', LANG: 'C.utf8', LC_CTYPE: 'C.utf8' });
    expect(withUtf8Locale({ LC_ALL: 'C', LANG: 'C' }, ['C', 'en_GB.utf8'])).toEqual({ LANG: 'en_GB.utf8', LC_CTYPE: 'en_GB.utf8' });
  });

  it("keeps the caller's UTF-8 locale, and changes nothing where no UTF-8 locale exists", () => {
    const env = { LANG: 'de_DE.UTF-8' };
    expect(withUtf8Locale(env, ['C.utf8'])).toBe(env);
    expect(withUtf8Locale({ LANG: 'C' }, ['C', 'POSIX'])).toEqual({ LANG: 'C' });
    expect(chooseUtf8Locale(['POSIX', 'en_US.utf8', 'C.UTF-8'])).toBe('C.UTF-8');
  });
});
