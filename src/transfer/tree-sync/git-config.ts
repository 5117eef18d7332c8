import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The few git settings tree sync needs, read from git's config files directly: spawning
 * git for every sync would cost more than the whole no-change sync.
 *
 * Files are read in git's order, later ones winning: system, global (XDG, then
 * ~/.gitconfig, or only $GIT_CONFIG_GLOBAL when set), then the repository's own config.
 * `[include]` and `[includeIf]` are not followed.
 */
export interface GitIgnoreSources {
  /** The repository's top directory, when the tree is inside one. */
  readonly repoRoot: string | undefined;
  /** Text of .git/info/exclude, or ''. */
  readonly infoExclude: string;
  /** Text of the global excludes file, or ''. */
  readonly globalExcludes: string;
  readonly ignoreCase: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function readGitIgnoreSources(treeRoot: string, env: Env): GitIgnoreSources {
  const repo = findRepo(resolve(treeRoot));
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const xdg = env.XDG_CONFIG_HOME || (home ? join(home, '.config') : '');
  const files: string[] = [];
  if (!env.GIT_CONFIG_NOSYSTEM) files.push(env.GIT_CONFIG_SYSTEM ?? '/etc/gitconfig');
  if (env.GIT_CONFIG_GLOBAL !== undefined) files.push(env.GIT_CONFIG_GLOBAL);
  else {
    if (xdg) files.push(join(xdg, 'git', 'config'));
    if (home) files.push(join(home, '.gitconfig'));
  }
  if (repo) files.push(join(repo.commonDir, 'config'));

  let excludesFile: string | undefined;
  let ignoreCase = false;
  for (const f of files) {
    const text = readText(f);
    if (text === '') continue;
    const values = parseGitConfig(text);
    const ex = values.get('core.excludesfile');
    if (ex !== undefined) excludesFile = ex;
    const ic = values.get('core.ignorecase');
    if (ic !== undefined) ignoreCase = /^(true|yes|on|1)$/i.test(ic);
  }
  let globalPath: string | undefined;
  if (excludesFile !== undefined && excludesFile !== '') {
    globalPath = excludesFile.startsWith('~/') ? join(home, excludesFile.slice(2)) : excludesFile;
    if (!isAbsolute(globalPath)) globalPath = join(repo?.root ?? resolve(treeRoot), globalPath);
  } else if (xdg) {
    globalPath = join(xdg, 'git', 'ignore');
  }
  return {
    repoRoot: repo?.root,
    infoExclude: repo ? readText(join(repo.commonDir, 'info', 'exclude')) : '',
    globalExcludes: globalPath ? readText(globalPath) : '',
    ignoreCase,
  };
}

/**
 * Parses git config text into lower-cased `section.key` (or `section.sub.key`) → last value.
 * Handles comments, quoting and the escapes git documents; enough for paths and booleans.
 */
export function parseGitConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (header) {
      const name = (header[1] ?? '').toLowerCase();
      section = header[2] !== undefined ? `${name}.${header[2]}` : name;
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv || section === '') continue;
    const key = `${section}.${(kv[1] ?? '').toLowerCase()}`;
    out.set(key, kv[2] === undefined ? 'true' : unquote(kv[2]));
  }
  return out;
}

function unquote(raw: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i] as string;
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else if ((c === '#' || c === ';') && !quoted) break;
    else out += c;
  }
  return out.trimEnd();
}

interface RepoLocation {
  readonly root: string;
  /** Where config and info/ live: .git, or the main repository's for a worktree. */
  readonly commonDir: string;
}

function findRepo(start: string): RepoLocation | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      let gitDir = dotGit;
      if (statSync(dotGit).isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readText(dotGit));
        if (m?.[1]) gitDir = resolve(dir, m[1].trim());
      }
      const common = readText(join(gitDir, 'commondir')).trim();
      return { root: dir, commonDir: common ? resolve(gitDir, common) : gitDir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
