import { describe, expect, it } from 'vitest';
import { checkOverridePath, effectivePaths, MACHINE_KEYS, parseMachineKey, parseOverrideSpecs, type MachineEnvironment } from '../../../src/domain/machine.js';
import { happierErrorOf } from '../../helpers/happier-error.js';

const probed: MachineEnvironment = {
  shell: '/bin/zsh',
  paths: { node: '/home/u/.nvm/bin/node', happier: null, tmux: '/usr/bin/tmux', claude: '/home/u/.local/bin/claude', codex: null, opencode: null },
  providerEnv: ['ANTHROPIC_API_KEY'],
  probedAt: '2026-01-02T03:04:05.000Z',
};

describe('a machine’s paths: overrides over the probe', () => {
  it('takes each override, else the probed path, else nothing', () => {
    expect(effectivePaths(probed, { claude: '/opt/claude', happier: '/opt/happier/bin/happier' })).toEqual([
      { key: 'node', path: '/home/u/.nvm/bin/node', source: 'probed' },
      { key: 'happier', path: '/opt/happier/bin/happier', source: 'set' },
      { key: 'tmux', path: '/usr/bin/tmux', source: 'probed' },
      { key: 'claude', path: '/opt/claude', source: 'set' },
      { key: 'codex', path: null, source: null },
      { key: 'opencode', path: null, source: null },
      { key: 'shell', path: '/bin/zsh', source: 'probed' },
    ]);
  });

  it('works before any probe, from overrides alone', () => {
    const rows = effectivePaths(null, { shell: '/usr/bin/fish' });
    expect(rows.find((r) => r.key === 'shell')).toEqual({ key: 'shell', path: '/usr/bin/fish', source: 'set' });
    expect(rows.filter((r) => r.source === null).map((r) => r.key)).toEqual(['node', 'happier', 'tmux', 'claude', 'codex', 'opencode']);
  });
});

describe('machine set keys and values', () => {
  it('accepts the listed keys and refuses others as a usage error that lists them', () => {
    for (const k of MACHINE_KEYS) expect(parseMachineKey(k)).toBe(k);
    const err = happierErrorOf(() => parseMachineKey('python'));
    expect(err.code).toBe('USAGE');
    expect(err.hint).toBe('use one of: node, happier, tmux, claude, codex, opencode, shell');
  });

  it('wants a plain absolute path: one line, no quote or backslash', () => {
    expect(checkOverridePath('desk', 'node', '/opt/node 22/bin/node')).toBe('/opt/node 22/bin/node');
    for (const bad of ['', 'bin/node', '~/bin/node', '/opt/x\nexport EVIL=1', "/opt/it's/zsh", '/opt/a\\b']) {
      const err = happierErrorOf(() => checkOverridePath('desk', 'shell', bad));
      expect(err.code).toBe('USAGE');
      expect(err.message).toContain('plain absolute path on desk');
    }
  });
});

describe('machine add --set', () => {
  it('reads key=path pairs, the path keeping any further =', () => {
    expect(parseOverrideSpecs('desk', ['node=/opt/node/bin/node', 'claude=/opt/a=b/claude'])).toEqual({ node: '/opt/node/bin/node', claude: '/opt/a=b/claude' });
    expect(parseOverrideSpecs('desk', [])).toEqual({});
  });

  it('refuses a pair without =, an unknown key and a relative path as usage errors', () => {
    for (const bad of ['node', '=/opt/node', 'python=/usr/bin/python3', 'node=bin/node']) {
      expect(happierErrorOf(() => parseOverrideSpecs('desk', [bad])).code, bad).toBe('USAGE');
    }
  });
});
