import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textWidth } from '../../../src/domain/text-width.js';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry } from '../../../src/store/registry.js';
import { runHappier, type CliRun } from '../../helpers/run-happier.js';
import { startServer, type RunningServer } from '../../helpers/sync-server.js';
import { twoMachines, type TwoMachines } from '../handoff/two-machines.js';

// Issue 15, "Fit the terminal": every table and every help text the built binary prints,
// piped (no TTY) with COLUMNS=80 and COLUMNS=60, over data chosen to be wide: long and
// CJK/emoji titles, deep paths, a long hostname, an offline peer with a long error, and a
// real peer over sshd. No line may be wider than the terminal, and the id stays.
const WIDTHS = [80, 60] as const;
const LONG_TITLE = 'refactor the parser so nested template literals and 日本語のコメント survive 🚀';
const MACHINE_NAME = 'laptop-with-a-rather-long-hostname.example.internal';

let m: TwoMachines;
let server: RunningServer;
let deep: string;
const sessionIds: string[] = [];
const vendorIds: string[] = [];

beforeAll(async () => {
  m = await twoMachines('happier-fit-');
  deep = join(m.srcHome, 'src/some/really/deeply/nested/monorepo/packages/frontend-app/src/components');
  const wide = join(m.srcHome, 'wörk/プロジェクト/ünïcödé');
  for (const d of [deep, wide]) mkdirSync(d, { recursive: true });
  const t1 = m.claudeTranscript(deep);
  const t2 = m.claudeTranscript(wide);
  vendorIds.push(t1.vendorId, t2.vendorId);
  const add = (over: Parameters<TwoMachines['addSession']>[0]) => sessionIds.push(m.addSession(over).id);
  add({ title: LONG_TITLE, cwd: deep, vendorSessionId: t1.vendorId });
  add({ title: 'ünïcödé 🚀 emoji title', cwd: wide, vendorSessionId: t2.vendorId });
  add({ title: 'opencode one', agent: 'opencode', backend: 'cli', vendorSessionId: `ses_${'a'.repeat(26)}`, cwd: wide });
  add({ title: 'codex on mcp', agent: 'codex', backend: 'mcp', cwd: '/' });
  add({ title: `archived: ${LONG_TITLE}`, archived: true, cwd: deep });
  add({ title: 'no vendor id yet', vendorSessionId: null, cwd: deep });
  const reg = openRegistry(m.env.HAPPIER_HOME!);
  try {
    // Nothing listens on port 1: a quick, wordy "offline".
    new MachinesRepo(reg).upsert({ id: 'fit-offline', name: 'the-build-box-in-the-basement-closet', sshTarget: 'somebody-with-a-long-login@127.0.0.1:1', identityFile: null, isSelf: false, createdAt: new Date().toISOString() });
    reg.db.prepare('UPDATE machines SET name = ? WHERE id = ?').run(MACHINE_NAME, reg.machineId);
  } finally {
    reg.close();
  }
  server = await startServer(join(m.dir, 'server-data'));
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await m?.stop();
});

const at = (width: number, ...args: string[]) => m.run(args, { COLUMNS: String(width), HAPPIER_DAEMON: 'off', HAPPIER_CONNECT_TIMEOUT_MS: '3000' });

function lines(r: CliRun): string[] {
  return r.stdout.replace(/\n$/, '').split('\n');
}

function expectFits(r: CliRun, width: number): string[] {
  const out = lines(r);
  const over = out.filter((l) => textWidth(l) > width);
  expect(over, `wider than ${width}:\n${r.stdout}`).toEqual([]);
  return out;
}

/** The cells under `header`, one per row: what a user would copy into the next command. */
function column(out: readonly string[], header: string): string[] {
  const start = out[0]!.indexOf(header);
  expect(start, `no ${header} column in:\n${out.join('\n')}`).toBeGreaterThanOrEqual(0);
  return out.slice(1).map((l) => [...l].slice(start).join('').split(/\s+/)[0]!);
}

function expectIdPrefixes(cells: readonly string[], ids: readonly string[]): void {
  expect(cells.length).toBeGreaterThan(0);
  for (const c of cells) {
    expect(c.length, c).toBeGreaterThanOrEqual(8);
    expect(ids.some((id) => id.startsWith(c)), `${c} is no id's prefix`).toBe(true);
  }
}

describe.each(WIDTHS)('at %i columns, no TTY', (width) => {
  it('session list and session list --all fit and keep the ID column', async () => {
    for (const args of [['session', 'list'], ['session', 'list', '--all']]) {
      const r = await at(width, ...args);
      expect(r.code, r.stderr).toBe(0);
      const out = expectFits(r, width);
      expect(out[0]).toMatch(/^ID\s/);
      expectIdPrefixes(column(out, 'ID'), sessionIds);
      expect(out).toHaveLength(args.includes('--all') ? 7 : 6);
    }
  });

  it('direct list fits and keeps the VENDOR-ID column', async () => {
    const r = await at(width, 'direct', 'list');
    expect(r.code, r.stderr).toBe(0);
    const out = expectFits(r, width);
    const listed = (await m.json(['direct', 'list'])).body.data.directSessions.map((s: { vendorSessionId: string }) => s.vendorSessionId);
    expect(listed).toEqual(expect.arrayContaining(vendorIds));
    expectIdPrefixes(column(out, 'VENDOR-ID'), listed);
    expect(out).toHaveLength(listed.length + 1);
  });

  it('session show fits, with the full id', async () => {
    const r = await at(width, 'session', 'show', sessionIds[0]!);
    expect(r.code, r.stderr).toBe(0);
    expectFits(r, width);
    expect(r.stdout).toContain(sessionIds[0]);
  });

  it('machine list fits, names every machine, and checks the peers', async () => {
    const r = await at(width, 'machine', 'list');
    expect(r.code, r.stderr).toBe(0);
    const out = expectFits(r, width);
    // The table, then what each peer's login shell found (lines of their own, after it).
    const names = column(out.slice(0, 4), 'NAME');
    expect(names).toHaveLength(3);
    expect(names).toContain('desk');
    expect(names.some((n) => n.startsWith('laptop-with-a-rather'))).toBe(true);
    expect(names.some((n) => n.startsWith('the-build-box-in-the'))).toBe(true);
    expect(out.find((l) => l.startsWith('desk '))).toContain('online');
  });

  it('settings list fits and keeps every key whole', async () => {
    const r = await at(width, 'settings', 'list');
    expect(r.code, r.stderr).toBe(0);
    const out = expectFits(r, width);
    expect(column(out, 'KEY')).toContain('handoff.codexExperimental');
  });

  it('doctor fits: long findings and their fixes wrap under their mark', async () => {
    const r = await at(width, 'doctor');
    const out = expectFits(r, width);
    const i = out.findIndex((l) => l.includes('machine the-build-box-in-the-basement-closet'));
    expect(out[i], r.stdout).toMatch(/^warn {2}machine /);
    // The finding continues on indented lines, never as a line of its own.
    expect(out[i + 1]).toMatch(/^ {6}\S/);
  });

  it('handoff --dry-run prints a plan that fits, with the deep path whole once joined', async () => {
    const r = await at(width, 'handoff', sessionIds[0]!.slice(0, 8), '--to', 'desk', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    const out = expectFits(r, width);
    expect(out[0]).toContain(`session ${sessionIds[0]!.slice(0, 8)}`);
    const source = out.findIndex((l) => l.startsWith('  source:'));
    const joined = [out[source]!.replace(/^ {2}source: +/, ''), ...out.slice(source + 1).filter((l) => /^ {13}\S/.test(l)).map((l) => l.trim())];
    expect(joined.join('').startsWith(deep)).toBe(true);
  });
});

describe('with the sync server', () => {
  let code = '';
  beforeAll(async () => {
    const c = await m.json(['server', 'connect', server.url, '--name', MACHINE_NAME, '--ssh-target', 'desk', '--no-daemon']);
    expect(c.code, c.stderr).toBe(0);
    const p = await m.json(['pair', 'issue', sessionIds[0]!]);
    expect(p.code, p.stderr).toBe(0);
    code = p.body.data.code;
  }, 60_000);

  it.each(WIDTHS)('server status, pair list and session list --everywhere fit %i columns', async (width) => {
    const status = await at(width, 'server', 'status');
    expect(status.code, status.stderr).toBe(0);
    expectFits(status, width);
    expect(status.stdout).toContain(MACHINE_NAME.slice(0, 20));

    const pairs = await at(width, 'pair', 'list');
    expect(pairs.code, pairs.stderr).toBe(0);
    const out = expectFits(pairs, width);
    expect(out.some((l) => l.startsWith(code.split('-')[0]!)), pairs.stdout).toBe(true);

    const everywhere = await at(width, 'session', 'list', '--everywhere');
    expect(everywhere.code, everywhere.stderr).toBe(0);
    expectIdPrefixes(column(expectFits(everywhere, width), 'ID'), sessionIds);
  });
});

/** Every visible command path, read from each level's own `--help`. */
async function commandTree(): Promise<string[][]> {
  const found: string[][] = [];
  const walk = async (path: string[]) => {
    found.push(path);
    const r = await runHappier([...path, '--help'], { HOME: m.srcHome, HAPPIER_HOME: m.env.HAPPIER_HOME, NO_COLOR: '1' });
    const section = r.stdout.split('\nCommands:\n')[1];
    if (!section) return;
    const names = section
      .split('\n\n')[0]!
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/[\s|]/)[0]!)
      .filter((n) => n !== 'help');
    for (const n of names) await walk([...path, n]);
  };
  await walk([]);
  return found;
}

describe('help', () => {
  it.each(WIDTHS)('of every command and subcommand fits %i columns', async (width) => {
    const tree = await commandTree();
    expect(tree.length).toBeGreaterThan(40);
    expect(tree).toContainEqual(['handoff']);
    expect(tree).toContainEqual(['server', 'daemon', 'start']);
    for (const path of tree) {
      const r = await runHappier([...path, '--help'], { HOME: m.srcHome, HAPPIER_HOME: m.env.HAPPIER_HOME, NO_COLOR: '1', COLUMNS: String(width) });
      expect(r.code, path.join(' ')).toBe(0);
      const over = lines(r).filter((l) => textWidth(l) > width);
      expect(over, `happier ${path.join(' ')} --help`).toEqual([]);
    }
  }, 120_000);

  it('keeps the handoff epilogue, wrapped rather than cut', async () => {
    const r = await runHappier(['handoff', '--help'], { HOME: m.srcHome, HAPPIER_HOME: m.env.HAPPIER_HOME, COLUMNS: '60' });
    const text = r.stdout.replace(/\n(?!\n)/g, ' ');
    expect(text).toContain('Interrupted handoffs are finished or undone by the next happier run, or with `happier handoff --recover <journal-id>`.');
  });
});
