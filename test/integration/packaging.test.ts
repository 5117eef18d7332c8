import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANNER } from '../../src/transfer/agent/frame-codec.js';
import { tempDir } from './../helpers/temp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = tempDir('happier-pack-');
const prefix = join(dir.path, 'prefix');
const bin = join(prefix, 'bin', 'happier');
const run = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(bin, args, { encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: dir.path, HAPPIER_HOME: join(dir.path, 'home'), ...env } });

const linkPrefix = join(dir.path, 'link-prefix');
/** What npm printed on stderr for the README's install commands. */
const npmSaid: Record<'pack' | 'install' | 'link', string> = { pack: '', install: '', link: '' };

function npm(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): string {
  const r = spawnSync('npm', args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stderr;
}

beforeAll(() => {
  // The tree was just built by `npm test`; packing must not rebuild it under other tests.
  npmSaid.pack = npm(['pack', '--ignore-scripts', '--pack-destination', dir.path], { cwd: ROOT });
  const tgz = readdirSync(dir.path).find((f) => f.endsWith('.tgz'))!;
  // As the README says, with the npm cache the lockfile install left (no network needed).
  npmSaid.install = npm(['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3', '--prefer-offline', '--no-audit', '--no-fund', join(dir.path, tgz)]);
  // `npm ci && npm link` from the clone: the link goes into a prefix of the test's own.
  npmSaid.link = npm(['link', '--no-audit', '--no-fund'], { cwd: ROOT, env: { npm_config_prefix: linkPrefix } });
}, 600_000);
afterAll(() => dir.cleanup());

/** The first line a program prints, with stdin left open until it has been read. */
function firstLine(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      env: { PATH: process.env.PATH!, HOME: dir.path, HAPPIER_HOME: join(dir.path, 'home') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.on('error', reject);
    child.stdout.setEncoding('latin1').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.kill();
        resolve(out.slice(0, nl));
      }
    });
    child.on('close', () => resolve(out.split('\n')[0] ?? ''));
  });
}

describe('installing happier', () => {
  it('prints no npm warning, from the tarball or from a clone', () => {
    for (const [step, said] of Object.entries(npmSaid)) {
      expect(said.split('\n').filter((l) => /^npm warn/i.test(l)), `npm ${step}`).toEqual([]);
    }
  });

  it('has no install-time script of its own: npm ci builds it (postprepare), npm pack too (prepack)', () => {
    const installed = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'happier', 'package.json'), 'utf8'));
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(installed.scripts[hook], hook).toBeUndefined();
    expect(installed.scripts).toMatchObject({ postprepare: 'node scripts/build.mjs', prepack: 'node scripts/build.mjs' });
    // ssh2's optional native build is never wanted; bundled, npm neither runs nor asks about it.
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'happier', 'node_modules', 'ssh2', 'package.json'))).toBe(true);
  });

  it('puts a working happier on PATH with npm link', () => {
    const linked = execFileSync(join(linkPrefix, 'bin', 'happier'), ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: dir.path, HAPPIER_HOME: join(dir.path, 'home') } });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(linked.trim()).toBe(pkg.version);
  });
});

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

  it('ships the bundled remote agent, which matches its hash and speaks the protocol from the install', async () => {
    const agentDir = join(prefix, 'lib', 'node_modules', 'happier', 'dist', 'agent');
    const bundle = readFileSync(join(agentDir, 'happier-agent.mjs'));
    const recorded = readFileSync(join(agentDir, 'happier-agent.mjs.sha256'), 'utf8').split(/\s+/)[0];
    expect(createHash('sha256').update(bundle).digest('hex')).toBe(recorded);
    // Both ways a peer can run the agent: the bundle on a bare node, and the installed CLI.
    for (const argv of [[join(agentDir, 'happier-agent.mjs'), '--stdio'], [bin, 'agent', '--stdio']]) {
      expect(await firstLine(argv)).toBe(BANNER.trim());
    }
  });

  it('leaves tests, sources and benchmarks out of the package', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'happier');
    for (const absent of ['test', 'bench', 'src', 'node_modules/.cache']) expect(existsSync(join(installed, absent)), absent).toBe(false);
  });
});
