import { describe, expect, it } from 'vitest';
import { sshRunFailure } from '../../../../src/transfer/ssh/ssh-run-failure.js';

// What OpenSSH 9.2 prints without -v when `ssh -t desk …` exits 255 (captured from real runs).
describe('why an ssh run for the user exited 255', () => {
  it('a name that does not resolve: HOST_UNRESOLVED, with the name ssh looked up and where it comes from', () => {
    const err = sshRunFailure('ssh: Could not resolve hostname desk.lan: Name or service not known\r\n', 'desk', 'ana@desk')!;
    expect(err.code).toBe('HOST_UNRESOLVED');
    expect(err.hint).toBe('the name desk.lan does not resolve: check its spelling (HostName for desk in your ssh config), DNS, or /etc/hosts');
    expect(err.hint).not.toMatch(/is on\b/);
  });

  it('an unknown host key comes before a refused key: it is what the user must settle first', () => {
    const err = sshRunFailure('No ED25519 host key is known for desk and you have requested strict checking.\nHost key verification failed.\n', 'desk', 'desk')!;
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.hint).toContain('happier machine trust desk');
  });

  it('every key refused: SSH_FAILED about keys, naming the user ssh logged in as', () => {
    const err = sshRunFailure('ana@10.0.0.7: Permission denied (publickey).\n', 'desk', 'desk')!;
    expect(err).toMatchObject({ code: 'SSH_FAILED', details: { reason: 'auth' } });
    expect(err.message).toBe('ana@desk (10.0.0.7:22) refused every key offered (publickey)');
    expect(err.hint).toContain('--identity FILE');
  });

  it('a machine that does not answer is left to the caller, who knows when it was last seen', () => {
    expect(sshRunFailure('ssh: connect to host 10.0.0.7 port 22: Connection refused\n', 'desk', 'desk')).toBeNull();
    expect(sshRunFailure('', 'desk', 'desk')).toBeNull();
  });
});
