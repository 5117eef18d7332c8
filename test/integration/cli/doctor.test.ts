import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry, REGISTRY_FILE } from '../../../src/store/registry.js';
import { runHappier } from '../../helpers/run-happier.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.cleanup());

/** A PATH holding only node and the given tools, so a missing tmux is really missing. */
function pathWith(tools: string[]): string {
  const bin = join(dir.path, `bin-${tools.join('-') || 'none'}`);
  if (existsSync(bin)) return bin;
  mkdirSync(bin, { recursive: true });
  for (const t of tools) symlinkSync(`/usr/bin/${t}`, join(bin, t));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

describe('happier doctor', () => {
  it('reports a missing tmux with what to do, and exits 1', async () => {
    const home = join(dir.path, 'h1');
    const r = await runHappier(['doctor', '--json'], { HAPPIER_HOME: home, PATH: pathWith([]) });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    const tmux = body.data.findings.find((f: { check: string }) => f.check === 'tmux');
    expect(tmux).toMatchObject({ status: 'fail', summary: 'tmux not found (tmux)' });
    expect(tmux.fix).toMatch(/install tmux/);
    expect(body.data.healthy).toBe(false);
  });

  it('reports a broken registry, and leaves it alone', async () => {
    const home = join(dir.path, 'h2');
    mkdirSync(home);
    writeFileSync(join(home, REGISTRY_FILE), 'not a database at all');
    const r = await runHappier(['doctor'], { HAPPIER_HOME: home, PATH: pathWith(['tmux', 'ssh']), NO_COLOR: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}registry: the registry .* is not a valid database\n {6}fix: happier left it untouched/);
    expect(r.stdout).toMatch(/ok {4}tmux: tmux \d/);
  });

  it('reports a configured machine that does not answer, with what to do', async () => {
    const home = join(dir.path, 'h4');
    const reg = openRegistry(home);
    // Port 9 on loopback has nothing listening: the connection is refused at once.
    new MachinesRepo(reg).upsert({ id: 'm-desk', name: 'desk', sshTarget: 'nobody@127.0.0.1:9', identityFile: null, isSelf: false, createdAt: new Date().toISOString() });
    reg.close();
    const r = await runHappier(['doctor', '--json'], { HAPPIER_HOME: home, HOME: dir.path, PATH: pathWith(['tmux', 'ssh']) });
    const findings = JSON.parse(r.stdout).data.findings as { check: string; status: string; summary: string; fix: string }[];
    const desk = findings.find((f) => f.check === 'machine desk');
    expect(desk).toMatchObject({ status: 'warn' });
    expect(desk!.summary).toMatch(/^nobody@127\.0\.0\.1:9 is offline: /);
    expect(desk!.fix).toBeTruthy();
    expect(findings.find((f) => f.check === 'server')).toMatchObject({ status: 'ok', summary: 'no sync server configured (optional)' });
    expect(r.code).toBe(0);
  });

  it('is healthy with tmux and a good registry, warning about missing provider CLIs', async () => {
    const home = join(dir.path, 'h3');
    const r = await runHappier(['doctor'], { HAPPIER_HOME: home, PATH: pathWith(['tmux', 'ssh']), NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warn  provider claude: claude CLI not found/);
    expect(r.stdout).toMatch(/ok {4}registry: /);
  });

  it('says when claude is installed but was never set up or logged in, and when it is', async () => {
    const home = join(dir.path, 'h-claude');
    mkdirSync(home, { recursive: true });
    const fake = join(dir.path, 'fake-claude');
    writeFileSync(fake, '#!/bin/sh\necho "2.1.197 (Claude Code)"\n', { mode: 0o755 });
    const env = { HAPPIER_HOME: join(home, '.happier'), HOME: home, PATH: pathWith(['tmux', 'ssh']), HAPPIER_CLAUDE_BIN: fake, NO_COLOR: '1' };
    const fresh = await runHappier(['doctor'], env);
    expect(fresh.stdout).toMatch(/warn  claude set-up: claude has not been set up on this machine \(its first-run set-up was never finished\)/);
    expect(fresh.stdout).toContain('run `claude` once to log in');
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true }));
    expect((await runHappier(['doctor'], env)).stdout).toMatch(/warn  claude set-up: .*\(it is not logged in\)/);
    const keyed = await runHappier(['doctor', '--json'], { ...env, ANTHROPIC_API_KEY: 'sk-ant-test' });
    const finding = JSON.parse(keyed.stdout).data.findings.find((f: { check: string }) => f.check === 'claude set-up');
    expect(finding).toMatchObject({ status: 'ok' });
  });

  it('without --fix only looks: on a fresh home it says the registry comes on first use, and makes none', async () => {
    const home = join(dir.path, 'h5');
    const r = await runHappier(['doctor', '--json'], { HAPPIER_HOME: home, PATH: pathWith(['tmux', 'ssh']) });
    const findings = JSON.parse(r.stdout).data.findings as { check: string; summary: string }[];
    expect(findings.find((f) => f.check === 'registry')!.summary).toMatch(/no registry yet at .*; it is created on first use/);
    expect(findings.map((f) => f.check)).toEqual(expect.arrayContaining(['machines', 'server']));
    expect(existsSync(join(home, REGISTRY_FILE))).toBe(false);
  });
});
