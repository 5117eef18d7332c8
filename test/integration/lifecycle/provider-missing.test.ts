import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { openRegistry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { findExecutable } from '../../../shell/find-executable.js';
import { runHappier } from '../../helpers/run-happier.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Issue 15: with no claude on PATH, `new` said "exec: claude: not found" and a hint to
// check that claude starts, not how to get it.
const dir = tempDir('happier-no-cli-');
const sock = join(dir.path, 'happier.sock');
const project = join(dir.path, 'project');
const emptyBin = join(dir.path, 'bin');
const env: Record<string, string> = {
  HAPPIER_HOME: join(dir.path, 'happier'),
  HOME: dir.path,
  NO_COLOR: '1',
  // A PATH with no provider CLI on it; tmux is reached by its own override.
  PATH: emptyBin,
  HAPPIER_TMUX_BIN: findExecutable('tmux', process.env)!,
  HAPPIER_TMUX_SOCKET: sock,
  CLAUDE_CONFIG_DIR: join(dir.path, 'claude'),
  HAPPIER_START_WATCH_MS: '300',
};
const json = async (args: string[], extra: Record<string, string> = {}) => {
  const r = await runHappier([...args, '--json'], { ...env, ...extra }, { cwd: project });
  return { code: r.code, body: JSON.parse(r.stdout) };
};
const INSTALL = '`npm i -g @anthropic-ai/claude-code`';
let existing: string;

beforeAll(() => {
  mkdirSync(project);
  mkdirSync(emptyBin);
  const reg = openRegistry(env.HAPPIER_HOME!, { machineName: 'laptop' });
  const session = new SessionsRepo(reg).insert(makeSession({ ownerMachineId: reg.machineId, cwd: project }));
  existing = session.id;
  reg.close();
  // It had its first message, so only the missing CLI stands in the way of a resume.
  const folder = join(env.CLAUDE_CONFIG_DIR!, 'projects', claudeSlug(realpathSync(project)));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${session.vendorSessionId}.jsonl`), JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }) + '\n');
});

afterAll(() => {
  try {
    execFileSync(env.HAPPIER_TMUX_BIN!, ['-S', sock, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // no server was started: the point of these tests
  }
  dir.cleanup();
});

describe('a provider CLI that is not installed', () => {
  it('`new` says so, names the npm package and HAPPIER_CLAUDE_BIN, and records nothing', async () => {
    const r = await json(['new', '--detached', '--cwd', project]);
    expect(r.code).toBe(1);
    expect(r.body.error.code).toBe('PROVIDER_MISSING');
    expect(r.body.error.message).toBe('the claude CLI is not installed here (no `claude` on PATH)');
    expect(r.body.error.hint).toBe(`install it with ${INSTALL}, or set HAPPIER_CLAUDE_BIN to its path`);
    const list = await json(['session', 'list']);
    expect(list.body.data.sessions.map((s: { id: string }) => s.id)).toEqual([existing]);
  });

  it('prints the hint on stderr for a person', async () => {
    const r = await runHappier(['new', '--detached', '--cwd', project], env, { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the claude CLI is not installed here');
    expect(r.stderr).toContain(`hint: install it with ${INSTALL}`);
  });

  it('`resume` and `send` give the same error', async () => {
    for (const args of [['resume', existing, '--detached'], ['send', existing, 'hello']]) {
      const r = await json(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.body.error.code, args[0]).toBe('PROVIDER_MISSING');
      expect(r.body.error.hint, args[0]).toContain(INSTALL);
    }
  });

  it('an override that points nowhere is named as the thing to fix', async () => {
    const r = await json(['new', '--detached', '--cwd', project], { HAPPIER_CLAUDE_BIN: join(dir.path, 'nowhere', 'claude') });
    expect(r.body.error.code).toBe('PROVIDER_MISSING');
    expect(r.body.error.message).toBe(`HAPPIER_CLAUDE_BIN is ${join(dir.path, 'nowhere', 'claude')}, which is not an executable`);
  });
});
