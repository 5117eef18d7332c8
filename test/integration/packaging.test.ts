import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './../helpers/temp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = tempDir('happier-pack-');
const prefix = join(dir.path, 'prefix');
const bin = join(prefix, 'bin', 'happier');
const run = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(bin, args, { encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: dir.path, HAPPIER_HOME: join(dir.path, 'home'), ...env } });

beforeAll(() => {
  // The tree was just built by `npm test`; packing must not rebuild it under other tests.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir.path], { cwd: ROOT, stdio: 'ignore' });
  const tgz = readdirSync(dir.path).find((f) => f.endsWith('.tgz'))!;
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3', '--no-audit', '--no-fund', join(dir.path, tgz)],
    { stdio: 'ignore' },
  );
}, 600_000);
afterAll(() => dir.cleanup());

describe('the packed tarball installed into a fresh prefix', () => {
  it('runs happier --version and session list from the installed bin', () => {
    const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' }));
    expect(run(['--version']).trim()).toBe(pkg.version);
    const list = JSON.parse(run(['session', 'list', '--json']));
    expect(list).toEqual({ v: 1, ok: true, kind: 'session_list', data: { sessions: [] } });
  });

  it('ships the man page and the completion scripts', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'happier');
    expect(existsSync(join(installed, 'man', 'happier.1'))).toBe(true);
    expect(run(['completion', 'bash'])).toContain('complete -o default -F _happier happier');
  });

  it('leaves tests, sources and benchmarks out of the package', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'happier');
    for (const absent of ['test', 'bench', 'src', 'node_modules/.cache']) expect(existsSync(join(installed, absent)), absent).toBe(false);
  });
});
