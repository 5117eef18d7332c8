import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineEnvironment } from '../../../src/domain/machine.js';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { openRegistry, REGISTRY_FILE } from '../../../src/store/registry.js';
import { tempDir } from '../../helpers/temp-dir.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const environment: MachineEnvironment = {
  shell: '/usr/bin/zsh',
  paths: { node: '/opt/node/bin/node', happier: null, tmux: '/usr/bin/tmux', claude: '/home/u/.local/bin/claude', codex: null, opencode: null },
  providerEnv: ['ANTHROPIC_API_KEY'],
  probedAt: '2026-01-02T03:04:05.000Z',
};

const peer = { id: 'peer-1', name: 'desk', sshTarget: 'me@desk', identityFile: null, isSelf: false, createdAt: '2026-01-01T00:00:00.000Z' };

describe('machines: login environment and overrides', () => {
  it('keeps the probe and the overrides apart, and an update of the address touches neither', () => {
    const reg = openRegistry(dir.path);
    const repo = new MachinesRepo(reg);
    repo.upsert(peer);
    expect(repo.get(peer.id)).toMatchObject({ environment: null, overrides: {} });
    repo.recordEnvironment(peer.id, environment);
    expect(repo.setOverride(peer.id, 'node', '/opt/node-22/bin/node')).toEqual({ node: '/opt/node-22/bin/node' });
    expect(repo.setOverride(peer.id, 'shell', '/usr/bin/fish')).toEqual({ node: '/opt/node-22/bin/node', shell: '/usr/bin/fish' });
    repo.upsert({ ...peer, sshTarget: 'me@desk.lan' });
    expect(repo.byName('desk')).toMatchObject({ sshTarget: 'me@desk.lan', environment, overrides: { node: '/opt/node-22/bin/node', shell: '/usr/bin/fish' } });
    expect(repo.setOverride(peer.id, 'node', null)).toEqual({ shell: '/usr/bin/fish' });
    expect(repo.setOverride(peer.id, 'shell', null)).toEqual({});
    expect(reg.db.prepare('SELECT overrides FROM machines WHERE id = ?').get(peer.id)).toEqual({ overrides: null });
    reg.close();
  });

  it('reads a partial or foreign column as unknown rather than failing', () => {
    const reg = openRegistry(dir.path);
    const repo = new MachinesRepo(reg);
    repo.upsert(peer);
    reg.db.prepare('UPDATE machines SET environment = ?, overrides = ? WHERE id = ?').run('{"shell":"/bin/sh","paths":{"node":7,"tmux":"/usr/bin/tmux"}}', '[1,2]', peer.id);
    expect(repo.get(peer.id)).toMatchObject({
      environment: { shell: '/bin/sh', paths: { node: null, tmux: '/usr/bin/tmux', claude: null }, providerEnv: [], probedAt: '' },
      overrides: {},
    });
    reg.db.prepare('UPDATE machines SET environment = ? WHERE id = ?').run('not json', peer.id);
    expect(repo.get(peer.id)?.environment).toBeNull();
    reg.close();
  });

  it('upgrades a version 4 registry, keeping its machines', () => {
    const db = new Database(join(dir.path, REGISTRY_FILE));
    for (const m of MIGRATIONS.filter((x) => x.version <= 4)) db.exec(m.sql);
    db.pragma('user_version = 4');
    db.prepare('INSERT INTO machines (id, name, ssh_target, identity_file, is_self, created_at) VALUES (?, ?, ?, ?, 0, ?)').run(peer.id, peer.name, peer.sshTarget, null, peer.createdAt);
    db.close();
    const reg = openRegistry(dir.path);
    const repo = new MachinesRepo(reg);
    expect(repo.get(peer.id)).toMatchObject({ name: 'desk', environment: null, overrides: {} });
    repo.recordEnvironment(peer.id, environment);
    expect(repo.get(peer.id)?.environment).toEqual(environment);
    reg.close();
  });
});
