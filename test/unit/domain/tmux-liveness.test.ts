import { describe, expect, it } from 'vitest';
import type { Session, TmuxTerminal } from '../../../src/domain/session.js';
import { isTmuxTerminalLive, socketsToAsk, type LiveTmux } from '../../../src/domain/tmux-liveness.js';

const life = { pid: 4242, startTime: 1796639916 };
const live: LiveTmux = {
  defaultSocket: '/tmp/tmux-0/default',
  servers: new Map([
    ['/tmp/a/tmux-0/default', { identity: life, liveSessions: new Set(['happier-aaaa1111']) }],
    ['/tmp/tmux-0/default', { identity: { pid: 9, startTime: 1 }, liveSessions: new Set(['happier-old00000']) }],
  ]),
};
const at = (socket: string | null, sessionName = 'happier-aaaa1111', server?: TmuxTerminal['server']): TmuxTerminal => ({
  kind: 'tmux',
  sessionName,
  socket,
  ...(server ? { server } : {}),
});

describe('tmux liveness from the record', () => {
  it('finds a session on the server it was recorded on, whatever the default server is', () => {
    expect(isTmuxTerminalLive(at('/tmp/a/tmux-0/default', 'happier-aaaa1111', life), live)).toBe(true);
  });

  it('calls a session on a later life of its server inactive: the new server lost its panes', () => {
    expect(isTmuxTerminalLive(at('/tmp/a/tmux-0/default', 'happier-aaaa1111', { pid: 4242, startTime: 1 }), live)).toBe(false);
    expect(isTmuxTerminalLive(at('/tmp/a/tmux-0/default', 'happier-aaaa1111', { pid: 1, startTime: life.startTime }), live)).toBe(false);
  });

  it('calls a session on a server that did not answer inactive', () => {
    expect(isTmuxTerminalLive(at('/tmp/gone/tmux-0/default'), live)).toBe(false);
  });

  it('reads records without a socket as the default server, and without a life as any life', () => {
    expect(isTmuxTerminalLive(at(null, 'happier-old00000'), live)).toBe(true);
    expect(isTmuxTerminalLive(at(null, 'happier-aaaa1111'), live)).toBe(false);
  });

  it('asks each recorded server once, and only for sessions owned here', () => {
    const s = (id: string, owner: string, terminal: Session['terminal']) => ({ id, ownerMachineId: owner, terminal }) as Session;
    expect(
      socketsToAsk(
        [s('1', 'me', at('/s/a')), s('2', 'me', at('/s/a')), s('3', 'me', at(null)), s('4', 'peer', at('/s/b')), s('5', 'me', null)],
        'me',
        '/s/default',
      ),
    ).toEqual(['/s/a', '/s/default']);
  });
});
