import { describe, expect, it } from 'vitest';
import { hostMatches, resolveSshTarget, type SshConfigEnv } from '../../../../src/transfer/ssh/ssh-config.js';
import { parseSshTarget } from '../../../../src/transfer/ssh/ssh-target.js';

function envWith(files: Record<string, string>): SshConfigEnv & { configPath: string } {
  return {
    configPath: '/home/me/.ssh/config',
    homeDir: '/home/me',
    localUser: 'me',
    readFile: (p) => files[p],
    listDir: (dir) => Object.keys(files).filter((f) => f.startsWith(dir + '/')).map((f) => f.slice(dir.length + 1)),
  };
}

describe('ssh target parsing', () => {
  it('reads user, host and port in the spellings people type', () => {
    expect(parseSshTarget('box')).toEqual({ host: 'box' });
    expect(parseSshTarget('ann@box')).toEqual({ user: 'ann', host: 'box' });
    expect(parseSshTarget('ann@box:2222')).toEqual({ user: 'ann', host: 'box', port: 2222 });
    expect(parseSshTarget('ssh://ann@box:2200')).toEqual({ user: 'ann', host: 'box', port: 2200 });
    expect(parseSshTarget('[::1]:22')).toEqual({ host: '::1', port: 22 });
  });
});

describe('Host patterns', () => {
  it('matches wildcards and lets a negation veto a match', () => {
    expect(hostMatches(['*.lan'], 'pi.lan')).toBe(true);
    expect(hostMatches(['pi?'], 'pi4')).toBe(true);
    expect(hostMatches(['*', '!secret'], 'secret')).toBe(false);
    expect(hostMatches(['!secret'], 'other')).toBe(false);
  });
});

describe('resolving a target through ~/.ssh/config', () => {
  it('takes the first value of each keyword, accumulates IdentityFile and expands tokens', () => {
    const env = envWith({
      '/home/me/.ssh/config': [
        'Host work',
        '  HostName %h.example.net',
        '  IdentityFile ~/.ssh/work_%u',
        'Host w*',
        '  User deploy',
        '  Port 2222',
        '  IdentityFile %d/.ssh/id_%r@%h',
        'Host *',
        '  User fallback',
        '  Port 22',
      ].join('\n'),
    });
    expect(resolveSshTarget('work', env)).toEqual({
      alias: 'work',
      hostName: 'work.example.net',
      port: 2222,
      user: 'deploy',
      identityFiles: ['/home/me/.ssh/work_me', '/home/me/.ssh/id_deploy@work.example.net'],
      jumps: [],
    });
    expect(resolveSshTarget('ann@other:7', env)).toMatchObject({ hostName: 'other', user: 'ann', port: 7 });
  });

  it('resolves each ProxyJump hop through the config, outermost first', () => {
    const env = envWith({
      '/home/me/.ssh/config': ['Host inner', '  ProxyJump bastion,gate:2022', 'Host bastion', '  HostName 10.0.0.1', '  User ops', 'Host gate', '  ProxyJump none'].join('\n'),
    });
    const r = resolveSshTarget('inner', env);
    expect(r.jumps.map((j) => [j.hostName, j.port, j.user])).toEqual([
      ['10.0.0.1', 22, 'ops'],
      ['gate', 2022, 'me'],
    ]);
  });

  it('follows Include, scoped to the Host block that includes it', () => {
    const env = envWith({
      '/home/me/.ssh/config': ['Include conf.d/*', 'Host *', '  User last'].join('\n'),
      '/home/me/.ssh/conf.d/a.conf': ['Host a', '  HostName a.example'].join('\n'),
      '/home/me/.ssh/conf.d/b.conf': ['Host a', '  HostName not-this-one', '  Port 2200'].join('\n'),
    });
    expect(resolveSshTarget('a', env)).toMatchObject({ hostName: 'a.example', port: 2200, user: 'last' });
  });

  it('ignores Match blocks rather than applying them to every host', () => {
    const env = envWith({ '/home/me/.ssh/config': ['Match user root', '  Port 9', 'Host *', '  Port 23'].join('\n') });
    expect(resolveSshTarget('x', env).port).toBe(23);
  });
});
