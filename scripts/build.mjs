// The build: type-checked modules into dist/ (used by tests and benchmarks), and the
// CLI as one bundled entry with lazily loaded chunks, which is what `bin/happier` runs.
// Bundling matters for start-up: resolving dozens of files costs more than parsing one.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
// tsc still emits when it finds type errors; those fail the separate typecheck step
// (npm test), so a half-typed file elsewhere does not stop a build.
try {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} catch {
  console.error('build: tsc reported type errors (see `npm run typecheck`); output was emitted anyway');
}

await build({
  absWorkingDir: root,
  entryPoints: { happier: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // Native addons and packages that find files relative to themselves stay outside.
  external: ['better-sqlite3', 'ssh2', 'cpu-features', 'neo-blessed', '@xterm/headless'],
  // Bundled CommonJS packages (commander) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

// The man page is generated from the built command tree, so it runs after the compile.
execFileSync(process.execPath, ['scripts/gen-man.mjs'], { cwd: root, stdio: 'inherit' });

// The agent uploaded to peers without happier: one self-contained file (no native modules)
// plus its sha256, which the peer checks before running it.
{
  const { createHash } = await import('node:crypto');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  await build({
    absWorkingDir: root,
    entryPoints: { 'happier-agent': 'src/transfer/agent/agent-entry.ts' },
    outdir: 'dist/agent',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    define: { __HAPPIER_VERSION__: JSON.stringify(pkg.version) },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  const agent = new URL('../dist/agent/happier-agent.mjs', import.meta.url);
  const sha = createHash('sha256').update(readFileSync(agent)).digest('hex');
  writeFileSync(new URL('../dist/agent/happier-agent.mjs.sha256', import.meta.url), `${sha}  happier-agent.mjs\n`);
}
