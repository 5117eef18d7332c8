import { describe, expect, it } from 'vitest';
import { remoteSendArgs, sendResultOf } from '../../../src/cli/send-over-ssh.js';

const machine = { name: 'desk', sshTarget: 'ana@desk', environment: { probedAt: '2026-12-07T10:20:30.000Z' } as any };
const req = { sendId: 's-1', session: 'abc', text: 'x', queue: true, wait: false, timeoutMs: 300_000 };
const run = (stdout: string, code = 0, stderr = '') => ({ code, signal: null, stdout, stderr });

describe('remoteSendArgs', () => {
  it('passes the send id through and the text never, reading it from stdin', () => {
    expect(remoteSendArgs(req)).toEqual(['send', '--json', '--send-id', 's-1', '--', 'abc', '-']);
    expect(remoteSendArgs({ ...req, wait: true, timeoutMs: 90_000, queue: false })).toEqual(['send', '--json', '--send-id', 's-1', '--wait', '--timeout', '90', '--no-queue', '--', 'abc', '-']);
  });
});

describe('sendResultOf', () => {
  it("reads the owner's result from the last line, after whatever a login profile printed", () => {
    const data = { sendId: 's-1', sessionId: 'abc', delivery: 'pasted' };
    expect(sendResultOf(run(`welcome!\n${JSON.stringify({ v: 1, ok: true, kind: 'send', data })}\n`), machine)).toEqual(data);
  });

  it("rethrows the owner's error under its own code", () => {
    const env = { v: 1, ok: false, kind: 'send', error: { code: 'BUSY', message: 'mid-turn', hint: 'wait' } };
    expect(() => sendResultOf(run(JSON.stringify(env), 1), machine)).toThrow(expect.objectContaining({ code: 'BUSY', message: 'mid-turn', hint: 'wait' }));
  });

  it('exit 255 without an answer is MACHINE_OFFLINE with the last time the machine was seen, or never', () => {
    expect(() => sendResultOf(run('', 255, 'ssh: connect to host 127.0.0.1 port 22: Connection refused'), machine)).toThrow(
      expect.objectContaining({ code: 'MACHINE_OFFLINE', message: 'desk cannot be reached over ssh (last seen 2026-12-07 10:20 UTC); nothing was sent' }),
    );
    expect(() => sendResultOf(run('', 255), { name: 'desk', sshTarget: 'desk', environment: null })).toThrow(expect.objectContaining({ message: expect.stringContaining('(never seen)') }));
  });

  it('exit 255 because the name does not resolve is HOST_UNRESOLVED, pointing at the address, not at the power switch', () => {
    const err = (() => {
      try {
        sendResultOf(run('', 255, 'ssh: Could not resolve hostname desk.lan: Name or service not known\n'), machine);
      } catch (e) {
        return e as { code: string; message: string; hint: string };
      }
    })()!;
    expect(err.code).toBe('HOST_UNRESOLVED');
    expect(err.message).toBe('cannot resolve desk.lan (Name or service not known), the address of desk; nothing was sent');
    expect(err.hint).toBe('the name desk.lan does not resolve: check its spelling (HostName for desk in your ssh config), DNS, or /etc/hosts');
  });

  it('any other silence is PROTOCOL, with the retry advice', () => {
    expect(() => sendResultOf(run('', 127, 'happier: not found'), machine)).toThrow(expect.objectContaining({ code: 'PROTOCOL', message: expect.stringContaining('happier: not found') }));
  });
});
