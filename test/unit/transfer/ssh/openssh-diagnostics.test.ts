import { describe, expect, it } from 'vitest';
import { classifyLoginFailure, keysAdded, type FailureContext } from '../../../../src/transfer/ssh/openssh-diagnostics.js';

const FP = 'SHA256:GkOdC4vErwe6kG7G32H/ZARdzcdw/LLNgbAyOkdWMNk';
const JUMP_FP = 'SHA256:PkDMrHVtrgZoHOpue2FnLQjXJh5h6HeNSylq5JfkPJc';
const ctx: FailureContext = {
  host: { alias: 'desk', hostName: '10.0.0.7', port: 2222, user: 'ana', identityFiles: [], proxyJump: [] },
  machine: 'desk-box',
  target: 'desk',
  knownHostsFile: '/home/ana/.ssh/known_hosts',
};
const banner = 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026';

// Lines as OpenSSH 9.2 writes them with -v (captured from real runs, trimmed).
describe('what ssh -v says about host keys', () => {
  it('reports the fingerprint of each key it added to known_hosts', () => {
    const log = [
      banner,
      `debug1: Server host key: ssh-ed25519 ${JUMP_FP}`,
      "Warning: Permanently added '[10.0.0.1]:22' (ED25519) to the list of known hosts.",
      `debug1: Server host key: ssh-ed25519 ${FP}`,
      "Warning: Permanently added '[10.0.0.7]:2222' (ED25519) to the list of known hosts.",
      "Warning: Permanently added '10.0.0.7' (ED25519) to the list of known hosts.",
    ].join('\n');
    expect(keysAdded(log)).toEqual([JUMP_FP, FP]);
    expect(keysAdded(`${banner}\ndebug1: Server host key: ssh-ed25519 ${FP}\n`)).toEqual([]);
  });
});

describe('why a login failed', () => {
  it('an unknown key: HOST_KEY_UNKNOWN with the fingerprint OpenSSH was offered, and how to accept it', () => {
    const err = classifyLoginFailure(
      [banner, `debug1: Server host key: ssh-ed25519 ${FP}`, 'No ED25519 host key is known for [10.0.0.7]:2222 and you have requested strict checking.', 'Host key verification failed.'].join('\n'),
      ctx,
    );
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.message).toBe(`the host key of desk ([10.0.0.7]:2222) is not known: ${FP}`);
    expect(err.hint).toBe(
      `if ${FP} is really that machine's key, run \`happier machine trust desk-box\`, or \`happier machine add desk-box desk --accept-new-host-key\` when adding it`,
    );
    expect(err.details).toMatchObject({ reason: 'host-key-unknown', host: '[10.0.0.7]:2222', fingerprint: FP });
  });

  it('an unknown key of a jump host says so', () => {
    const err = classifyLoginFailure(
      [`debug1: Server host key: ssh-ed25519 ${JUMP_FP}`, 'No ED25519 host key is known for bastion and you have requested strict checking.', 'Host key verification failed.'].join('\n'),
      { ...ctx, host: { ...ctx.host, proxyJump: ['bastion'] } },
    );
    expect(err.message).toBe(`the host key of bastion, a jump host on the way to desk is not known: ${JUMP_FP}`);
  });

  it('a changed key: HOST_KEY_CHANGED with the offered fingerprint and the file and line on record', () => {
    const log = [
      banner,
      `debug1: Server host key: ssh-ed25519 ${FP}`,
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      'The fingerprint for the ED25519 key sent by the remote host is',
      `${FP}.`,
      'Please contact your system administrator.',
      'Add correct host key in /home/ana/.ssh/known_hosts.d/work to get rid of this message.',
      'Offending ED25519 key in /home/ana/.ssh/known_hosts.d/work:17',
      '  remove with:',
      '  ssh-keygen -f "/home/ana/.ssh/known_hosts.d/work" -R "[10.0.0.7]:2222"',
      'Host key for [10.0.0.7]:2222 has changed and you have requested strict checking.',
      'Host key verification failed.',
    ].join('\n');
    const err = classifyLoginFailure(log, ctx);
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.message).toBe(`the host key of desk ([10.0.0.7]:2222) has CHANGED: it offers ${FP}, /home/ana/.ssh/known_hosts.d/work line 17 records another`);
    expect(err.hint).toContain(`ssh-keygen -R '[10.0.0.7]:2222' -f /home/ana/.ssh/known_hosts.d/work`);
    expect(err.hint).toContain('delete line 17');
    expect(err.hint).toContain('happier machine trust desk-box');
    expect(err.details).toMatchObject({ reason: 'host-key-changed', fingerprint: FP, knownHosts: '/home/ana/.ssh/known_hosts.d/work', line: 17 });
  });

  it('a revoked key is refused as such', () => {
    const log = [
      `debug1: Server host key: ssh-ed25519 ${FP}`,
      '@       WARNING: REVOKED HOST KEY DETECTED!               @',
      'The ED25519 host key for [10.0.0.7]:2222 is marked as revoked.',
      'ED25519 host key for [10.0.0.7]:2222 was revoked and you have requested strict checking.',
      'Host key verification failed.',
    ].join('\n');
    const err = classifyLoginFailure(log, ctx);
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.details).toMatchObject({ reason: 'host-key-revoked', fingerprint: FP });
    expect(err.message).toContain('REVOKED');
  });

  it('every key refused: SSH_FAILED (auth) naming the user and host', () => {
    const err = classifyLoginFailure(`${banner}\ndebug1: No more authentication methods to try.\nana@10.0.0.7: Permission denied (publickey,password).`, ctx);
    expect(err.code).toBe('SSH_FAILED');
    expect(err.details.reason).toBe('auth');
    expect(err.message).toBe('ana@desk (10.0.0.7:2222) refused every key offered (publickey,password)');
    expect(err.hint).toContain('authorized_keys on desk');
  });

  it('a name that does not resolve is a DNS problem, not a machine that is off', () => {
    const err = classifyLoginFailure(`${banner}\nssh: Could not resolve hostname 10.0.0.7: Name or service not known`, ctx);
    expect(err.code).toBe('HOST_UNRESOLVED');
    expect(err.details).toMatchObject({ reason: 'unknown-host', host: 'desk', machine: 'desk-box' });
    expect(err.hint).toContain('does not resolve');
    expect(err.hint).not.toMatch(/is on\b/);
  });

  it.each([
    ['Connection refused', 'refused', 'nothing listens on port 2222'],
    ['Connection timed out', 'timeout', 'desk is on'],
    ['No route to host', 'unreachable', 'no route to 10.0.0.7'],
    ['Network is unreachable', 'unreachable', 'no route to 10.0.0.7'],
  ])('connect: %s is MACHINE_OFFLINE (%s)', (why, reason, hint) => {
    const err = classifyLoginFailure(`debug1: connect to address 10.0.0.7 port 2222: ${why}\nssh: connect to host 10.0.0.7 port 2222: ${why}`, ctx);
    expect(err.code).toBe('MACHINE_OFFLINE');
    expect(err.details.reason).toBe(reason);
    expect(err.message).toBe(`10.0.0.7:2222 (desk): ${why}`);
    expect(err.hint).toContain(hint);
  });

  it('a jump host that cannot reach the target says which and why', () => {
    const log = [
      `debug1: Server host key: ssh-ed25519 ${JUMP_FP}`,
      'Authenticated to bastion ([10.0.0.1]:22) using "publickey".',
      'channel 0: open failed: connect failed: Name or service not known',
      'stdio forwarding failed',
      'kex_exchange_identification: Connection closed by remote host',
      'Connection closed by UNKNOWN port 65535',
    ].join('\n');
    const err = classifyLoginFailure(log, { ...ctx, host: { ...ctx.host, proxyJump: ['bastion'] } });
    expect(err.code).toBe('HOST_UNRESOLVED');
    expect(err.details.reason).toBe('unknown-host');
    expect(err.message).toBe('the jump host (bastion) could not reach 10.0.0.7:2222: Name or service not known');
  });

  it('a server that hangs up during the handshake', () => {
    const err = classifyLoginFailure('kex_exchange_identification: Connection closed by remote host\nConnection closed by 10.0.0.7 port 2222', ctx);
    expect(err.details.reason).toBe('closed');
    expect(err.hint).toContain('desk dropped the connection');
  });

  it('a broken config names the file and line, ignoring the debug lines that also say "line"', () => {
    const err = classifyLoginFailure('debug1: /home/ana/.ssh/config line 1: Applying options for desk\n/home/ana/.ssh/config: line 2: Bad configuration option: bogus\n/home/ana/.ssh/config: terminating, 1 bad configuration options', ctx);
    expect(err.code).toBe('SSH_FAILED');
    expect(err.details.reason).toBe('config');
    expect(err.message).toBe('the ssh config for desk is not valid: /home/ana/.ssh/config: line 2: Bad configuration option: bogus');
  });

  it('anything else is SSH_FAILED with what ssh said last, and a hint to ask ssh itself', () => {
    const err = classifyLoginFailure(`${banner}\nsomething new went wrong\ndebug1: bye`, ctx);
    expect(err.code).toBe('SSH_FAILED');
    expect(err.message).toBe('ssh to desk (10.0.0.7:2222) failed: something new went wrong');
    expect(err.hint).toContain('ssh -v desk true');
  });
});
