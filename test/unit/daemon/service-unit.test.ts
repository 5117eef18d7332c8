import { describe, expect, it } from 'vitest';
import { serviceEnv, servicePlan, type ServiceFacts } from '../../../src/daemon/service-unit.js';

const facts = (over: Partial<ServiceFacts> = {}): ServiceFacts => ({
  platform: 'linux',
  homeDir: '/home/dev',
  xdgConfigHome: undefined,
  happierHome: '/home/dev/.happier',
  defaultHome: true,
  argv: ['/usr/bin/node', '/opt/happier/bin/happier', 'server', 'daemon', 'run'],
  env: { HAPPIER_HOME: '/home/dev/.happier', PATH: '/usr/bin:/bin' },
  ...over,
});

describe('service plan', () => {
  it('linux: a systemd user unit under ~/.config, restarted on failure, wanted by default.target', () => {
    expect(servicePlan(facts())).toEqual({
      kind: 'systemd',
      name: 'happier-daemon.service',
      path: '/home/dev/.config/systemd/user/happier-daemon.service',
      text:
        '[Unit]\nDescription=happier daemon (presence, published sessions, relayed sends) for /home/dev/.happier\n' +
        'After=network-online.target\nWants=network-online.target\n\n' +
        '[Service]\nType=simple\nExecStart="/usr/bin/node" "/opt/happier/bin/happier" "server" "daemon" "run"\n' +
        'Environment="HAPPIER_HOME=/home/dev/.happier"\nEnvironment="PATH=/usr/bin:/bin"\n' +
        'StandardOutput=append:/home/dev/.happier/logs/daemon.log\nStandardError=append:/home/dev/.happier/logs/daemon.log\n' +
        'Restart=on-failure\nRestartSec=5\n\n[Install]\nWantedBy=default.target\n',
    });
  });

  it('honours XDG_CONFIG_HOME; another HAPPIER_HOME gets a unit name of its own', () => {
    const p = servicePlan(facts({ xdgConfigHome: '/x', defaultHome: false, happierHome: '/tmp/h' }));
    expect(p.kind === 'systemd' && p.path).toMatch(/^\/x\/systemd\/user\/happier-daemon-[0-9a-f]{8}\.service$/);
  });

  it('quotes what systemd would expand: %, $, quotes and backslashes', () => {
    const p = servicePlan(facts({ argv: ['/o p/node', 'a"b\\c', '100%', '$HOME'] }));
    expect(p.kind === 'systemd' && p.text).toContain('ExecStart="/o p/node" "a\\"b\\\\c" "100%%" "$$HOME"\n');
  });

  it('macOS: a launchd agent in ~/Library/LaunchAgents, XML-escaped, run at load', () => {
    const p = servicePlan(facts({ platform: 'darwin', homeDir: '/Users/dev', argv: ['/n', 'a&b'] }));
    expect(p.kind).toBe('launchd');
    if (p.kind !== 'launchd') return;
    expect(p.path).toBe('/Users/dev/Library/LaunchAgents/dev.happier.daemon.plist');
    expect(p.text).toContain('<string>a&amp;b</string>');
    expect(p.text).toContain('<key>RunAtLoad</key><true/>');
  });

  it('elsewhere: a note on starting it from a login script', () => {
    expect(servicePlan(facts({ platform: 'freebsd' }))).toEqual({ kind: 'none', note: expect.stringContaining('happier server daemon start') });
  });

  it('the unit carries where happier lives and what it runs, never a provider key', () => {
    expect(serviceEnv({ PATH: '/bin', HAPPIER_HOME: '/h', ANTHROPIC_API_KEY: 'sk', HAPPIER_TMUX_BIN: '/t' })).toEqual({ PATH: '/bin', HAPPIER_HOME: '/h', HAPPIER_TMUX_BIN: '/t' });
  });
});
