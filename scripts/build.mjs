// The build: type-checked modules into dist/ (used by tests and benchmarks), the CLI as
// one bundled entry with lazily loaded chunks (what `bin/happier` runs; resolving dozens
// of files costs more start-up time than parsing one), `session list` as a single file,
// the bundled remote agent, and the
// man page. Everything is built into a fresh folder and swapped into place at the end,
// so a test running the CLI meanwhile never sees a half-built dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `dist.build-${process.pid}`;
const outAbs = `${root}${out}`;
rmSync(outAbs, { recursive: true, force: true });

// tsc still emits when it finds type errors; those fail the separate typecheck step
// (npm test), so a half-typed file elsewhere does not stop a build.
try {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} catch {
  console.error('build: tsc reported type errors (see `npm run typecheck`); output was emitted anyway');
}

// Bundled CommonJS packages (commander) call require() for Node built-ins.
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };
const esm = { absWorkingDir: root, bundle: true, format: 'esm', platform: 'node', target: 'node20', outExtension: { '.js': '.mjs' }, banner, logLevel: 'warning' };
await build({
  ...esm,
  entryPoints: { happier: 'src/cli/main.ts' },
  outdir: `${out}/cli`,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons and packages that find files relative to themselves stay outside.
  external: ['better-sqlite3', 'ssh2', 'cpu-features', 'neo-blessed', '@xterm/headless'],
});
// `session list` on its own: one file without chunks, so Node resolves and compiles a single
// module; bin/happier falls back to the CLI above for anything it hands back.
await build({
  ...esm,
  entryPoints: { 'session-list': 'src/cli/session-list-entry.ts' },
  outdir: `${out}/cli`,
  external: ['better-sqlite3'],
});

// The agent uploaded to peers without happier: one self-contained file (no native modules)
// plus its sha256, which the peer checks before running it.
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
await build({
  ...esm,
  entryPoints: { 'happier-agent': 'src/transfer/agent/agent-entry.ts' },
  outdir: `${out}/agent`,
  define: { __HAPPIER_VERSION__: JSON.stringify(pkg.version) },
});
const agent = `${outAbs}/agent/happier-agent.mjs`;
const sha = createHash('sha256').update(readFileSync(agent)).digest('hex');
writeFileSync(`${agent}.sha256`, `${sha}  happier-agent.mjs\n`);

// The man page is generated from the built command tree, so it runs after the compile.
execFileSync(process.execPath, ['scripts/gen-man.mjs', out], { cwd: root, stdio: 'inherit' });

const old = `${root}dist.old-${process.pid}`;
if (existsSync(`${root}dist`)) renameSync(`${root}dist`, old);
renameSync(outAbs, `${root}dist`);
rmSync(old, { recursive: true, force: true });
