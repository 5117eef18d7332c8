import { describe, expect, it } from 'vitest';
import { hostKeyPolicy, overlayConfig, parseSshG } from '../../../../src/transfer/ssh/openssh-config.js';
import { happierErrorOf } from '../../../helpers/happier-error.js';

// Trimmed `ssh -G` output of OpenSSH 9.2.
const G = [
  'host far',
  'user ana',
  'hostname 127.0.0.1',
  'port 2222',
  'stricthostkeychecking accept-new',
  'identityfile ~/.ssh/id_rsa',
  'identityfile ~/.ssh/id_ed25519',
  'userknownhostsfile /home/ana/.ssh/known_hosts /home/ana/.ssh/known_hosts2',
  'proxyjump jj,bob@hop:2200',
  'hostkeyalias far-key',
].join('\n');

describe('ssh -G output', () => {
  it('gives host, port, user, identities, hops, known_hosts files and the configured host-key policy', () => {
    expect(parseSshG(G, 'far')).toEqual({
      alias: 'far',
      hostName: '127.0.0.1',
      port: 2222,
      user: 'ana',
      identityFiles: ['~/.ssh/id_rsa', '~/.ssh/id_ed25519'],
      proxyJump: ['jj', 'bob@hop:2200'],
      hostKeyAlias: 'far-key',
      strictHostKeyChecking: 'accept-new',
      userKnownHostsFiles: ['/home/ana/.ssh/known_hosts', '/home/ana/.ssh/known_hosts2'],
    });
  });

  it.each([
    ['true', 'yes'],
    ['false', 'no'],
    ['ask', 'ask'],
    ['accept-new', 'accept-new'],
  ])('reads stricthostkeychecking %s as %s', (printed, meant) => {
    expect(parseSshG(`hostname h\nstricthostkeychecking ${printed}`, 'h').strictHostKeyChecking).toBe(meant);
  });

  it('has no hops when proxyjump is absent or none', () => {
    expect(parseSshG('hostname h\nport 22', 'h').proxyJump).toEqual([]);
    expect(parseSshG('hostname h\nproxyjump none', 'h').proxyJump).toEqual([]);
  });
});

describe('host-key policy', () => {
  it('accepts unknown keys only when asked or when the config says accept-new', () => {
    expect(hostKeyPolicy(true, 'ask')).toBe('accept-new');
    expect(hostKeyPolicy(false, 'accept-new')).toBe('accept-new');
    for (const configured of ['yes', 'no', 'ask'] as const) expect(hostKeyPolicy(false, configured)).toBe('yes');
  });
});

describe('the overlay config', () => {
  it('puts happier’s policy before the user’s files, so it wins on every hop', () => {
    expect(
      overlayConfig({
        strictHostKeyChecking: 'yes',
        knownHostsFile: '/tmp/my hosts/100%',
        connectTimeoutMs: 1500,
        keepaliveIntervalMs: 15_000,
        includes: ['~/.ssh/config', '/etc/ssh/ssh_config'],
      }).split('\n'),
    ).toEqual([
      '# written by happier for one connection; removed once it is up',
      'BatchMode yes',
      'StrictHostKeyChecking yes',
      'UserKnownHostsFile "/tmp/my hosts/100%%"',
      'ConnectTimeout 2',
      'ServerAliveInterval 15',
      'ServerAliveCountMax 3',
      'Include ~/.ssh/config',
      'Include /etc/ssh/ssh_config',
      '',
    ]);
  });

  it('leaves known_hosts to the user’s config when HAPPIER_KNOWN_HOSTS is not set', () => {
    const text = overlayConfig({ strictHostKeyChecking: 'accept-new', knownHostsFile: null, connectTimeoutMs: 10_000, keepaliveIntervalMs: 15_000, includes: [] });
    expect(text).not.toContain('UserKnownHostsFile');
    expect(text).toContain('StrictHostKeyChecking accept-new');
  });

  it('refuses a path that an ssh config cannot hold', () => {
    const err = happierErrorOf(() =>
      overlayConfig({ strictHostKeyChecking: 'yes', knownHostsFile: '/tmp/a"b', connectTimeoutMs: 1, keepaliveIntervalMs: 1, includes: [] }),
    );
    expect(err.code).toBe('USAGE');
  });
});
