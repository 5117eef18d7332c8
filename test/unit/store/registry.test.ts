import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HappierError } from '../../../src/domain/errors.js';
import { LATEST_VERSION } from '../../../src/store/migrations.js';
import { ConversationsSeenRepo } from '../../../src/store/conversations-seen-repo.js';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry, REGISTRY_FILE } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { SettingsRepo } from '../../../src/store/settings-repo.js';
import { happierErrorOf } from '../../helpers/happier-error.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('registry', () => {
  it('creates a private home, a WAL database at the latest schema, and a machine identity', () => {
    const home = join(dir.path, 'home');
    const reg = openRegistry(home, { machineName: 'laptop' });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(reg.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reg.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const self = new MachinesRepo(reg).self();
    expect(self).toMatchObject({ id: reg.machineId, name: 'laptop', isSelf: true });
    reg.close();
    const again = openRegistry(home, { machineName: 'renamed' });
    expect(again.machineId).toBe(reg.machineId);
    again.close();
  });

  it('keeps sessions across opens and round-trips every field', () => {
    const reg = openRegistry(dir.path);
    const s = makeSession({ ownerMachineId: reg.machineId, terminal: { kind: 'tmux', sessionName: 'happier-x', socket: null }, ownerEpoch: 3 });
    new SessionsRepo(reg).insert(s);
    reg.close();
    const reg2 = openRegistry(dir.path);
    expect(new SessionsRepo(reg2).get(s.id)).toEqual(s);
    reg2.close();
  });

  it('lists newest first by archive state, agent and terminal record, the same whole or one by one', () => {
    const reg = openRegistry(dir.path);
    const repo = new SessionsRepo(reg);
    const tmux = { kind: 'tmux', sessionName: 'happier-t', socket: '/tmp/t.sock' } as const;
    const old = repo.insert(makeSession({ agent: 'codex', backend: 'app-server', vendorSessionId: null }));
    const running = repo.insert(makeSession({ terminal: tmux }));
    const archived = repo.insert(makeSession({ archived: true, terminal: tmux }));
    const ids = (xs: Iterable<{ id: string }>) => [...xs].map((x) => x.id);
    expect(repo.list()).toEqual([running, old]);
    expect(ids(repo.each())).toEqual([running.id, old.id]);
    expect(ids(repo.list({ archived: 'all' }))).toEqual([archived.id, running.id, old.id]);
    expect(ids(repo.list({ archived: 'archived' }))).toEqual([archived.id]);
    expect(ids(repo.list({ agent: 'codex' }))).toEqual([old.id]);
    expect(repo.list({ archived: 'all', inTerminal: true })).toEqual([archived, running]);
    reg.close();
  });

  it('lists the sessions of one owner whose conversation was never seen on disk', () => {
    const reg = openRegistry(dir.path);
    const repo = new SessionsRepo(reg);
    const seen = repo.insert(makeSession({ ownerMachineId: reg.machineId }));
    const unseen = repo.insert(makeSession({ ownerMachineId: reg.machineId }));
    repo.insert(makeSession({ ownerMachineId: reg.machineId, vendorSessionId: null }));
    repo.insert(makeSession({ ownerMachineId: 'machine-desk' }));
    // The same vendor id seen under another agent is another conversation.
    const otherAgent = repo.insert(makeSession({ ownerMachineId: reg.machineId, agent: 'codex', backend: 'app-server', vendorSessionId: seen.vendorSessionId }));
    new ConversationsSeenRepo(reg).remember('claude', [seen.vendorSessionId!]);
    repo.insert(makeSession({ ownerMachineId: reg.machineId, archived: true }));
    const pick = ({ id, agent, vendorSessionId, cwd, ownerMachineId, archived }: typeof seen) => ({ id, agent, vendorSessionId, cwd, ownerMachineId, archived });
    const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
    expect(ids(repo.unseenConversations(reg.machineId))).toEqual(ids([otherAgent, unseen]));
    expect(repo.unseenConversations(reg.machineId, 'codex')).toEqual([pick(otherAgent)]);
    reg.close();
  });

  it('resolves selectors through the store, including vendor ids and ambiguity', () => {
    const reg = openRegistry(dir.path);
    const repo = new SessionsRepo(reg);
    const a = repo.insert(makeSession({ id: 'abcd0001-0000-4000-8000-000000000000' }));
    repo.insert(makeSession({ id: 'abcd0002-0000-4000-8000-000000000000' }));
    expect(repo.resolve('abcd0001').id).toBe(a.id);
    expect(repo.resolve(a.vendorSessionId!).id).toBe(a.id);
    expect(happierErrorOf(() => repo.resolve('abcd')).code).toBe('AMBIGUOUS');
    expect(happierErrorOf(() => repo.resolve('%')).code).toBe('NOT_FOUND');
    reg.close();
  });

  it('stores settings and reads them back validated', () => {
    const reg = openRegistry(dir.path);
    const settings = new SettingsRepo(reg);
    settings.set('handoff.conflict', 'replace', new Date());
    settings.set('handoff.include', ['dist/**'], new Date());
    expect(settings.settings().handoff).toMatchObject({ conflict: 'replace', include: ['dist/**'] });
    expect(() => settings.set('handoff.conflict', 'boom', new Date())).toThrow(HappierError);
    expect(settings.reset('handoff.conflict')).toBe(1);
    expect(settings.settings().handoff.conflict).toBe('sibling');
    reg.close();
  });

  it('refuses a corrupt database file and leaves it byte for byte as it was', () => {
    const path = join(dir.path, REGISTRY_FILE);
    writeFileSync(path, Buffer.concat([Buffer.from('this is not sqlite at all\n'), Buffer.alloc(8192, 7)]));
    const before = sha(path);
    const err = happierErrorOf(() => openRegistry(dir.path));
    expect(err.code).toBe('REGISTRY_CORRUPT');
    expect(err.message).toContain(path);
    expect(err.hint).toMatch(/untouched/);
    expect(sha(path)).toBe(before);
  });

  it('refuses a database whose pages are damaged after a valid header', () => {
    const reg = openRegistry(dir.path);
    const repo = new SessionsRepo(reg);
    for (let i = 0; i < 200; i++) repo.insert(makeSession());
    reg.db.pragma('wal_checkpoint(TRUNCATE)');
    reg.close();
    const path = join(dir.path, REGISTRY_FILE);
    const bytes = readFileSync(path);
    bytes.fill(0xff, 100, bytes.length);
    writeFileSync(path, bytes);
    const before = sha(path);
    expect(happierErrorOf(() => openRegistry(dir.path)).code).toBe('REGISTRY_CORRUPT');
    expect(sha(path)).toBe(before);
  });

  it('refuses a database written by a newer happier without changing it', () => {
    const path = join(dir.path, REGISTRY_FILE);
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    const before = sha(path);
    const err = happierErrorOf(() => openRegistry(dir.path));
    expect(err.code).toBe('REGISTRY_TOO_NEW');
    expect(err.hint).toMatch(/upgrade happier/);
    expect(sha(path)).toBe(before);
  });

  it('refuses a registry path that is a directory', () => {
    mkdirSync(join(dir.path, REGISTRY_FILE));
    expect(happierErrorOf(() => openRegistry(dir.path)).code).toBe('REGISTRY_UNREADABLE');
  });

  it('upgrades an older schema in place, keeping its rows', () => {
    const reg = openRegistry(dir.path);
    const s = new SessionsRepo(reg).insert(makeSession());
    reg.close();
    // A database at version 1 must open and keep its sessions whatever later versions add.
    const reopened = openRegistry(dir.path);
    expect(new SessionsRepo(reopened).get(s.id)?.title).toBe(s.title);
    reopened.close();
  });
});
