import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFileList } from '../../../src/transfer/tree-sync/file-list.js';
import { tempDir } from '../../helpers/temp-dir.js';

const tmp = tempDir('happier-ignore-');
afterAll(() => tmp.cleanup());

function write(root: string, rel: string, text = rel): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function git(cwd: string, env: NodeJS.ProcessEnv, args: string[], input?: string): string {
  const r = spawnSync('git', args, { cwd, env, input, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every file and symlink under root, outside .git, as git would name them. */
function allPaths(root: string): string[] {
  const r = spawnSync('find', ['.', '-path', './.git', '-prune', '-o', '(', '-type', 'f', '-o', '-type', 'l', ')', '-print0'], { cwd: root, encoding: 'utf8' });
  return r.stdout.split('\0').filter(Boolean).map((p) => p.slice(2)).sort();
}

function gitVerdict(root: string, env: NodeJS.ProcessEnv): string[] {
  const paths = allPaths(root);
  const out = git(root, env, ['check-ignore', '--no-index', '--stdin', '-z'], paths.join('\0') + '\0');
  const ignored = new Set(out.split('\0').filter(Boolean));
  return paths.filter((p) => !ignored.has(p));
}

const listed = (root: string, env: NodeJS.ProcessEnv, include: string[] = []) =>
  buildFileList(root, { env, include }).entries.filter((e) => e.type !== 'dir' && !e.path.startsWith('.git/')).map((e) => e.path).sort();

function makeRepo(name: string, env: NodeJS.ProcessEnv): string {
  const root = join(tmp.path, name);
  mkdirSync(root, { recursive: true });
  git(root, env, ['init', '-q']);
  return root;
}

describe('ignore rules agree with git check-ignore', () => {
  it('on nested .gitignore files, info/exclude, a global excludes file, negations, directory and anchored patterns', () => {
    const home = join(tmp.path, 'home1');
    mkdirSync(home, { recursive: true });
    const globalIgnore = join(home, 'my-global-ignore');
    writeFileSync(globalIgnore, '.DS_Store\n*.swp\nglobal-dir/\nscratch*\n');
    const gitconfig = join(home, 'gitconfig');
    writeFileSync(gitconfig, `[user]\n\tname = t\n[core]\n\texcludesFile = "${globalIgnore}" ; trailing comment\n`);
    const env = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: join(home, 'xdg') };
    const root = makeRepo('repo1', env);

    write(root, '.gitignore', [
      '# comment', '*.log', '!keep.log', '/build', 'node_modules/', 'docs/**/*.tmp', 'temp?/', '\\#hash', 'a/**/b',
      '*.o', '!important.o', 'cache/', 'logs/', '!logs/keep.txt', '!global-dir/', 'trailing\\ ', '/anchored-file', '*.[ab]ck',
    ].join('\n') + '\n');
    write(root, '.git/info/exclude', '*.bak\nexcluded-by-info/\n');
    write(root, 'src/.gitignore', '*.gen.ts\n!keep.gen.ts\n/local-only\ndeep/\n');
    write(root, 'src/lib/.gitignore', '!*.log\nsecret\n');
    write(root, 'node_modules/.gitignore', '!*\n');
    const files = [
      'README.md', 'app.log', 'keep.log', 'build/out.js', 'src/build/x.js', 'build.txt', 'node_modules/pkg/index.js',
      'docs/a/b/c.tmp', 'docs/c.tmp', 'docs/readme.md', 'temp1/x', 'temp12/x', '#hash', 'a/b', 'a/x/y/b', 'a/x/b/c',
      'main.o', 'important.o', 'sub/important.o', 'cache/data', 'src/cache', 'logs/keep.txt', 'logs/other.txt',
      'global-dir/inside.txt', 'x/global-dir/y.txt', '.DS_Store', 'src/.DS_Store', 'file.swp', 'scratch-notes.md',
      'trailing ', 'anchored-file', 'src/anchored-file', 'x.ack', 'x.bck', 'x.cck', 'old.bak', 'excluded-by-info/f',
      'src/a.gen.ts', 'src/keep.gen.ts', 'src/local-only', 'src/x/local-only', 'src/deep/f', 'src/lib/deep/f',
      'src/lib/debug.log', 'src/lib/secret', 'src/lib/secret2', 'src/other.log', 'with space/ünïcødé 名前.txt',
      'with space/a.log',
    ];
    for (const f of files) write(root, f);
    symlinkSync('README.md', join(root, 'link-to-readme'));
    symlinkSync('/etc', join(root, 'link.log'));

    const expected = gitVerdict(root, env);
    expect(expected.length).toBeGreaterThan(15);
    expect(expected.length).toBeLessThan(files.length);
    expect(listed(root, env)).toEqual(expected);
  });

  it('uses ~/.config/git/ignore when core.excludesFile is not set, and .git stays in the workspace', () => {
    const home = join(tmp.path, 'home2');
    write(home, '.config/git/ignore', '*.secret\n');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: '' };
    delete env.GIT_CONFIG_GLOBAL;
    const root = makeRepo('repo2', env);
    write(root, '.gitignore', '*.tmp\n.git\n');
    for (const f of ['a.secret', 'b.txt', 'c.tmp', 'd/e.secret', 'd/f.txt']) write(root, f);
    expect(listed(root, env)).toEqual(gitVerdict(root, env));
    expect(listed(root, env)).toEqual(['.gitignore', 'b.txt', 'd/f.txt']);
    const all = buildFileList(root, { env }).entries.map((e) => e.path);
    expect(all).toContain('.git/HEAD');
    expect(all).toContain('.git');
  });

  it('include globs bring back ignored files, even inside ignored directories', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(tmp.path, 'home3'), GIT_CONFIG_NOSYSTEM: '1' };
    delete env.GIT_CONFIG_GLOBAL;
    const root = makeRepo('repo3', env);
    write(root, '.gitignore', 'dist/\n.env*\nnode_modules/\n*.map\n');
    for (const f of ['dist/app.js', 'dist/sub/x.js', '.env', '.env.local', 'node_modules/a/index.js', 'src/a.js', 'src/a.js.map']) write(root, f);
    mkdirSync(join(root, 'dist/empty'), { recursive: true });
    expect(listed(root, env)).toEqual(['.gitignore', 'src/a.js']);
    expect(listed(root, env, ['dist/**', '.env.local'])).toEqual(['.env.local', '.gitignore', 'dist/app.js', 'dist/sub/x.js', 'src/a.js']);
    const withDirs = buildFileList(root, { env, include: ['dist/**'] }).entries.map((e) => e.path);
    expect(withDirs).toContain('dist/empty');
    expect(withDirs.indexOf('dist')).toBeLessThan(withDirs.indexOf('dist/app.js'));
    // A glob reaching into an ignored directory lists the directories on the way, and nothing else.
    const deep = buildFileList(root, { env, include: ['node_modules/a/index.js'] }).entries.map((e) => e.path);
    expect(deep.filter((p) => p.startsWith('node_modules'))).toEqual(['node_modules', 'node_modules/a', 'node_modules/a/index.js']);
  });

  it('applies the .gitignore files above the synced directory when it sits inside a repository', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(tmp.path, 'home4'), GIT_CONFIG_NOSYSTEM: '1' };
    delete env.GIT_CONFIG_GLOBAL;
    const root = makeRepo('repo4', env);
    write(root, '.gitignore', '*.log\n/pkg/out/\n');
    for (const f of ['pkg/a.log', 'pkg/a.txt', 'pkg/out/x', 'pkg/in/out/y']) write(root, f);
    const entries = buildFileList(join(root, 'pkg'), { env }).entries.map((e) => e.path).sort();
    expect(entries).toEqual(['a.txt', 'in', 'in/out', 'in/out/y']);
  });
});
