// Installs the pinned provider CLIs into .cache/provider-clis/<agent>/ for the real-CLI
// lane. Each CLI gets its own npm prefix so one can be re-installed without the others,
// and a prefix whose installed version already matches the pin is left alone.
//
// The prefixes are project-scoped installs, where npm 11 rejects `--allow-scripts` on the
// command line; the allowlist goes into the prefix's package.json (`allowScripts`) instead.
// The CLIs need their install scripts: they place the native linux binary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Exact versions from PROVIDERS.md: `latest` tags move. */
export const PROVIDER_CLIS = [
  { agent: 'claude', pkg: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude' },
  { agent: 'codex', pkg: '@openai/codex', version: '0.169.0', bin: 'codex' },
  { agent: 'opencode', pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
];

const root = fileURLToPath(new URL('..', import.meta.url));
export const CACHE_DIR = join(root, '.cache', 'provider-clis');

function installedVersion(prefix, pkg) {
  const manifest = join(prefix, 'node_modules', ...pkg.split('/'), 'package.json');
  if (!existsSync(manifest)) return null;
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

function runsOffline(binPath) {
  const r = spawnSync(binPath, ['--version'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
    },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  return { ok: r.status === 0, out };
}

function install(cli) {
  const prefix = join(CACHE_DIR, cli.agent);
  const binPath = join(prefix, 'node_modules', '.bin', cli.bin);
  const t0 = Date.now();
  if (installedVersion(prefix, cli.pkg) === cli.version && existsSync(binPath)) {
    const check = runsOffline(binPath);
    if (check.ok) {
      console.log(`${cli.agent}: ${cli.pkg}@${cli.version} already installed (${check.out}) at ${binPath}`);
      return true;
    }
  }
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  const manifest = {
    name: `happier-provider-cli-${cli.agent}`,
    private: true,
    dependencies: { [cli.pkg]: cli.version },
    // The CLI's own scripts and those of its platform packages, whatever their scope.
    allowScripts: { [cli.pkg]: true },
  };
  writeFileSync(join(prefix, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(
    npm,
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  if (r.status !== 0) {
    console.error(`${cli.agent}: npm install ${cli.pkg}@${cli.version} FAILED\n${r.stdout}${r.stderr}`);
    return false;
  }
  const check = runsOffline(binPath);
  if (!check.ok) {
    console.error(`${cli.agent}: installed but \`${cli.bin} --version\` failed: ${check.out}`);
    return false;
  }
  console.log(`${cli.agent}: installed ${cli.pkg}@${cli.version} (${check.out}) in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${binPath}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const only = process.argv.slice(2);
  const results = PROVIDER_CLIS.filter((c) => only.length === 0 || only.includes(c.agent)).map(install);
  if (results.includes(false)) process.exit(1);
}
