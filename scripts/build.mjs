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
