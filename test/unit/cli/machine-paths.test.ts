import { describe, expect, it } from 'vitest';
import type { MachineEnvironment } from '../../../src/domain/machine.js';
import { machinePathLines, pathsJson } from '../../../src/cli/output/machine-paths.js';

const env: MachineEnvironment = {
  shell: '/bin/bash',
  paths: {
    node: '/home/someone/.nvm/versions/node/v20.11.1/bin/node',
    happier: null,
    tmux: '/usr/bin/tmux',
    claude: '/home/someone/.local/bin/claude',
    codex: null,
    opencode: null,
  },
  providerEnv: ['ANTHROPIC_API_KEY', 'HTTPS_PROXY'],
  probedAt: '2026-03-04T05:06:07.000Z',
};

describe('machine paths block', () => {
  it('lists found and set paths, what is missing, and the variables by name', () => {
    expect(machinePathLines('desk', env, { happier: '/opt/happier' }, { stale: false, width: null })).toEqual([
      'desk: login shell /bin/bash',
      '  node      /home/someone/.nvm/versions/node/v20.11.1/bin/node',
      '  happier   /opt/happier (set)',
      '  tmux      /usr/bin/tmux',
      '  claude    /home/someone/.local/bin/claude',
      '  missing   codex, opencode',
      '  env       ANTHROPIC_API_KEY, HTTPS_PROXY',
    ]);
  });

  it('cuts paths from the left to fit, and says when the values are from the last contact', () => {
    const lines = machinePathLines('desk', env, {}, { stale: true, width: 40 });
    expect(lines[0]).toBe('desk: login shell /bin/bash, as last se…');
    expect(lines[1]).toBe('  node      …ions/node/v20.11.1/bin/node');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
  });

  it('shows nothing for a machine never probed and never set, and overrides alone otherwise', () => {
    expect(machinePathLines('desk', null, {}, { stale: true, width: 80 })).toEqual([]);
    expect(machinePathLines('desk', null, { shell: '/usr/bin/fish' }, { stale: true, width: 80 })).toEqual([
      'desk: login shell /usr/bin/fish (set)',
      '  missing   node, happier, tmux, claude, codex, opencode',
    ]);
  });

  it('gives every key with its source in JSON', () => {
    expect(pathsJson(env, { codex: '/opt/codex' })).toMatchObject({
      node: { path: env.paths.node, source: 'probed' },
      codex: { path: '/opt/codex', source: 'set' },
      opencode: { path: null, source: null },
      shell: { path: '/bin/bash', source: 'probed' },
    });
  });
});
