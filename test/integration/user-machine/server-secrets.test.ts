/**
 * Issue 13, "Done when": `ps -eo args` never shows a provider key or a server token during
 * new, resume or handoff, with both machines on a sync server (the handoff then moves
 * ownership through it) and every process sampled, as any local user can.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_FILE } from '../../../src/store/registry.js';
import { watchPs } from '../../helpers/ps-watch.js';
import { startServer, type RunningServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startUserMachine, type Account, type UserMachine } from '../../helpers/user-machine.js';
import { writeClaudeTranscript } from './claude-transcript.js';

const LAPTOP_KEY = 'sk-ant-test-laptop-SECRET-5c1d9e3a7b';
const MB_KEY = 'sk-ant-test-mb-profile-SECRET-8b2f6a0c4d';
const dir = tempDir('happier-um-server-');
let um: UserMachine;
let server: RunningServer;
let needles: string[] = [];

/** The machine token this account's happier keeps for the server (read as root, then handed back). */
function machineToken(a: Account): string {
  const home = join(a.home, '.happier');
  const db = new Database(join(home, REGISTRY_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT machine_token FROM server_connection WHERE id = 1').get() as { machine_token: string }).machine_token;
  } finally {
    db.close();
    a.chown(home);
  }
}

beforeAll(async () => {
  [um, server] = await Promise.all([
    startUserMachine({ profileEnv: { ANTHROPIC_API_KEY: MB_KEY }, laptopEnv: { ANTHROPIC_API_KEY: LAPTOP_KEY } }),
    startServer(join(dir.path, 'data')),
  ]);
  const added = await um.json(['machine', 'add', 'mb', 'mb']);
  if (added.code !== 0) throw new Error(`machine add mb mb failed: ${added.stderr}`);
  const joined = await um.json(['server', 'connect', server.url, '--name', 'laptop', '--no-daemon']);
  if (joined.code !== 0) throw new Error(`server connect on the laptop failed: ${joined.stderr}`);
  const link = (await um.json(['server', 'link'])).body.data.code as string;
  const mbJoined = await um.onMb(['server', 'connect', server.url, '--link', link, '--name', 'mb', '--ssh-target', 'mb', '--no-daemon', '--json']);
  if (mbJoined.code !== 0) throw new Error(`server connect on mb failed: ${mbJoined.stderr}`);
  needles = [LAPTOP_KEY, MB_KEY, machineToken(um.laptop), machineToken(um.mb)];
});

afterAll(async () => {
  await um?.stop();
  await server?.stop();
  dir.cleanup();
});

describe('secrets while both machines are on a sync server', () => {
  it('never shows a key or a machine token on any argv during new, resume and a handoff', async () => {
    expect(needles.every((n) => n.length >= 16)).toBe(true);
    const project = join(um.laptop.home, 'code', 'secret-project');
    mkdirSync(project, { recursive: true });
    um.laptop.chown(join(um.laptop.home, 'code'));

    const ps = watchPs(needles);
    const started = await um.json(['new', '--detached', '--cwd', project]);
    expect(started.code, started.stderr).toBe(0);
    const { id, vendorSessionId } = started.body.data.session;
    expect((await um.json(['stop', id])).body.data).toMatchObject({ stopped: true });
    writeClaudeTranscript(um.laptop, vendorSessionId, project);
    const resumed = await um.json(['resume', id, '--detached']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const handed = await um.json(['handoff', id, '--to', 'mb']);
    expect(handed.code, handed.stderr).toBe(0);
    const onMb = await um.onMb(['resume', id, '--detached', '--json']);
    expect(JSON.parse(onMb.stdout).error?.code, onMb.stderr).toBe('ALREADY_ACTIVE');
    const hits = await ps.stop();
    expect(hits).toEqual([]);
    expect(ps.samples()).toBeGreaterThan(10);
  });
});
