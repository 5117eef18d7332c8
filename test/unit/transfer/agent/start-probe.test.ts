import { describe, expect, it } from 'vitest';
import { parseProbe, probeVerdict, type PeerProbe } from '../../../../src/transfer/agent/start-probe.js';

const line = (fields: Record<string, string>) => ['HAPPIER-PROBE', ...Object.entries(fields).map(([k, v]) => `${k}=${v}`)].join('\t');

const probe = (over: Partial<PeerProbe> = {}): PeerProbe => ({
  happierVersion: null,
  nodeVersion: 'v20.11.1',
  bundleSha256: null,
  happierPath: null,
  nodePath: '/home/u/.nvm/versions/node/v20.11.1/bin/node',
  shell: '/bin/zsh',
  unusable: [],
  ...over,
});

const ctx = { host: 'desk.lan', machine: 'desk', version: '0.3.0', overrides: {} };

describe('the start script’s probe line', () => {
  it('reads tab-separated fields whose values may hold spaces', () => {
    expect(
      parseProbe(
        line({ happier: '0.2.0', node: 'v22.3.0', bundle: '', 'happier-bin': '/Users/me/Library/Application Support/bin/happier', 'node-bin': '/opt/homebrew/bin/node', shell: '/bin/zsh', bad: '' }),
      ),
    ).toEqual({
      happierVersion: '0.2.0',
      nodeVersion: 'v22.3.0',
      bundleSha256: null,
      happierPath: '/Users/me/Library/Application Support/bin/happier',
      nodePath: '/opt/homebrew/bin/node',
      shell: '/bin/zsh',
      unusable: [],
    });
  });

  it('keeps only known keys among the unusable overrides', () => {
    expect(parseProbe(line({ bad: 'node,frob,tmux' })).unusable).toEqual(['node', 'tmux']);
    expect(parseProbe('HAPPIER-PROBE').unusable).toEqual([]);
  });
});

describe('what a probe means', () => {
  it('uploads for a node 20 or newer, run by the path the login shell found', () => {
    expect(probeVerdict(probe(), ctx)).toEqual({ kind: 'upload', node: '/home/u/.nvm/versions/node/v20.11.1/bin/node' });
  });

  it('refuses without node, naming the login shell and how to point at node', () => {
    const v = probeVerdict(probe({ nodeVersion: null, nodePath: null, happierVersion: '0.2.0', happierPath: '/usr/local/bin/happier' }), ctx);
    expect(v.kind).toBe('refuse');
    if (v.kind !== 'refuse') return;
    expect(v.error.code).toBe('PEER_INCOMPATIBLE');
    expect(v.error.message).toBe('desk.lan has neither happier 0.2.0 (not 0.3.0) nor node on its login PATH (/bin/zsh -l)');
    expect(v.error.hint).toContain('`happier machine set desk node /path/to/node`');
    expect(v.error.details).toMatchObject({ reason: 'node-missing', happierPath: '/usr/local/bin/happier' });
  });

  it('refuses a node older than 20, with its path', () => {
    const v = probeVerdict(probe({ nodeVersion: 'v18.19.0', nodePath: '/usr/bin/node' }), ctx);
    expect(v.kind === 'refuse' && v.error.message).toBe('node v18.19.0 (/usr/bin/node) on desk.lan is too old: the agent needs Node 20 or newer');
    expect(v.kind === 'refuse' && v.error.details.reason).toBe('node-too-old');
  });

  it('refuses overrides that are not executable there before anything else, saying how to fix them', () => {
    const v = probeVerdict(probe({ unusable: ['tmux', 'claude'] }), { ...ctx, overrides: { tmux: '/opt/tmux', claude: '/opt/claude' } });
    expect(v.kind === 'refuse' && v.error.message).toBe('what is set for desk is not executable on desk.lan: tmux /opt/tmux, claude /opt/claude');
    expect(v.kind === 'refuse' && v.error.hint).toBe('fix it with `happier machine set desk tmux <path>`, or clear it with `happier machine set desk tmux --unset`');
  });
});
