import { describe, expect, it } from 'vitest';
import { controlArgs, masterArgs, muxArgs, resolveArgs } from '../../../../src/transfer/ssh/openssh-args.js';
import { controlDirCandidates } from '../../../../src/transfer/ssh/control-dir.js';
import { destinationArgs, parseSshTarget } from '../../../../src/transfer/ssh/ssh-target.js';
import { chooseTransport } from '../../../../src/transfer/ssh/ssh-transport-choice.js';
import { happierErrorOf } from '../../../helpers/happier-error.js';

describe('the ssh argv', () => {
  it('turns a target into -l/-p and a host that can never be read as an option', () => {
    expect(destinationArgs(parseSshTarget('ana@10.0.0.7:2222'))).toEqual(['-l', 'ana', '-p', '2222', '--', '10.0.0.7']);
    expect(destinationArgs(parseSshTarget('ssh://ana@[::1]:22'))).toEqual(['-l', 'ana', '-p', '22', '--', '::1']);
    expect(destinationArgs(parseSshTarget('desk'))).toEqual(['--', 'desk']);
    expect(happierErrorOf(() => destinationArgs(parseSshTarget('-oProxyCommand=evil'))).code).toBe('USAGE');
    expect(happierErrorOf(() => destinationArgs(parseSshTarget('-l@desk'))).code).toBe('USAGE');
  });

  it('asks ssh -G about the user’s config, or about none', () => {
    expect(resolveArgs('/tmp/cfg', ['--', 'desk'])).toEqual(['-G', '-F', '/tmp/cfg', '--', 'desk']);
    expect(resolveArgs(null, ['--', 'desk'])).toEqual(['-G', '-F', 'none', '--', 'desk']);
  });

  it('starts a verbose master that backgrounds itself once it listens, with the identity given', () => {
    expect(masterArgs({ overlayConfig: '/run/h/ab.conf', controlPath: '/run/h/ab', identityFile: '/k/id_50%', destination: ['--', 'desk'] })).toEqual([
      '-v',
      '-F', '/run/h/ab.conf',
      '-M', '-N', '-T',
      '-S', '/run/h/ab',
      '-o', 'ControlPersist=60',
      '-o', 'ClearAllForwardings=yes',
      '-i', '/k/id_50%%',
      '--', 'desk',
    ]);
  });

  it('runs commands as mux clients that can never fall back to a login of their own', () => {
    const args = muxArgs('/run/h/ab', 'desk', 'echo hi');
    expect(args).toEqual(['-F', 'none', '-S', '/run/h/ab', '-o', 'ControlMaster=no', '-o', 'BatchMode=yes', '-o', 'ProxyCommand=false', '-T', '--', 'desk', 'echo hi']);
    expect(controlArgs('/run/h/ab', 'desk', 'exit')).toEqual(['-F', 'none', '-S', '/run/h/ab', '-o', 'ControlMaster=no', '-o', 'BatchMode=yes', '-O', 'exit', '--', 'desk']);
  });
});

describe('where control sockets go', () => {
  it('prefers the runtime dir, and skips one too long for a socket path', () => {
    expect(controlDirCandidates({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000)).toEqual(['/run/user/1000/happier', '/tmp/happier-1000']);
    expect(controlDirCandidates({ XDG_RUNTIME_DIR: '/' + 'x'.repeat(80) }, 1000)).toEqual(['/tmp/happier-1000']);
    expect(controlDirCandidates({ XDG_RUNTIME_DIR: 'relative' }, 0)).toEqual(['/tmp/happier-0']);
  });
});

describe('which transport', () => {
  const found = (path: string | null) => (name: string, env: Readonly<Record<string, string | undefined>>) => (name === 'ssh' && env.PATH ? path : null);

  it('is OpenSSH whenever ssh is on PATH, the default PATH when none is set', () => {
    expect(chooseTransport({ PATH: '/usr/bin' }, found('/usr/bin/ssh'))).toEqual({ kind: 'openssh', sshPath: '/usr/bin/ssh', why: 'found on PATH' });
    expect(chooseTransport({}, found('/usr/bin/ssh')).kind).toBe('openssh');
  });

  it('is ssh2 when there is no ssh, or when forced, and says why', () => {
    expect(chooseTransport({ PATH: '/nowhere' }, found(null))).toEqual({ kind: 'ssh2', why: 'ssh2 fallback: no OpenSSH client on PATH' });
    expect(chooseTransport({ HAPPIER_SSH_TRANSPORT: 'ssh2' }, found('/usr/bin/ssh'))).toEqual({ kind: 'ssh2', why: 'ssh2 fallback: forced by HAPPIER_SSH_TRANSPORT=ssh2' });
  });

  it('refuses openssh forced without a client, and a transport it does not know', () => {
    expect(happierErrorOf(() => chooseTransport({ HAPPIER_SSH_TRANSPORT: 'openssh' }, found(null))).code).toBe('SSH_FAILED');
    expect(happierErrorOf(() => chooseTransport({ HAPPIER_SSH_TRANSPORT: 'putty' }, found('/usr/bin/ssh'))).code).toBe('USAGE');
  });
});
