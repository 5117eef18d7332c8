/**
 * Codex's folder trust: `[projects."<abs path>"] trust_level = "trusted"` in
 * `$CODEX_HOME/config.toml` (PROVIDERS.md). Codex looks at the cwd's own entry, then at
 * the entry of the git repository the cwd is in; accepting its dialog writes that table.
 * `trust_level = "untrusted"` is the user's explicit no and is never overridden.
 */
import { existsSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import type { ProviderContext } from '../provider.js';
import type { ProviderTrust, TrustGrant } from '../provider-trust.js';
import { editConfigFile, realConfigFiles, unreadable, type ConfigFileIO } from '../trust-config-file.js';
import { codexRoot } from './codex-home.js';
import { encodeTomlKey, scanToml, TomlSyntaxError, type TomlStatement } from './codex-trust-toml.js';

/** Whether the folder's table was there (without a trust level), and whether the file lacked its last newline. */
export interface CodexTrustBefore {
  readonly table: 'absent' | 'existing';
  readonly noFinalNewline: boolean;
}

export const TRUSTED_LINE = 'trust_level = "trusted"\n';

export const codexConfigPath = (env: ProviderContext['env'], homeDir: string) => join(codexRoot(env, homeDir), 'config.toml');

export const codexTrustKey = (path: string): string => normalize(resolve(path));

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const startsWith = (a: readonly string[], prefix: readonly string[]) => prefix.every((x, i) => a[i] === x);

export function parseCodexConfig(text: string, path: string): TomlStatement[] {
  try {
    return scanToml(text);
  } catch (err) {
    if (!(err instanceof TomlSyntaxError)) throw err;
    const line = text.slice(0, err.offset).split('\n').length;
    throw unreadable(path, `line ${line} is not TOML happier can read (${err.message})`);
  }
}

/** The folder's `trust_level` string, or null when none is set. */
export function codexTrustLevel(doc: readonly TomlStatement[], key: string): string | null {
  const want = ['projects', key, 'trust_level'];
  for (const s of doc) if (s.kind === 'keyval' && same([...s.table, ...s.key], want)) return s.value;
  return null;
}

/** Codex's own lookup: the folder, then its git repository's root. */
export function codexTrusts(doc: readonly TomlStatement[], path: string, gitRoot: string | null): boolean {
  return [path, ...(gitRoot ? [gitRoot] : [])].some((p) => codexTrustLevel(doc, codexTrustKey(p)) === 'trusted');
}

/** The folder's table as happier may edit it, or why it may not: defined inline, by dotted keys, or as an array. */
function tableFor(doc: readonly TomlStatement[], key: string): { header: Extract<TomlStatement, { kind: 'header' }> | null } | { foreign: string } {
  const table = ['projects', key];
  let header: Extract<TomlStatement, { kind: 'header' }> | null = null;
  for (const s of doc) {
    if (s.kind === 'header') {
      if (same(s.path, ['projects']) && s.array) return { foreign: '`projects` is an array of tables' };
      if (same(s.path, table)) {
        if (s.array) return { foreign: 'the folder is an array of tables' };
        header = s;
      }
      continue;
    }
    const full = [...s.table, ...s.key];
    if (same(full, ['projects'])) return { foreign: '`projects` is set inline' };
    if (startsWith(full, table) && !same(s.table, table)) return { foreign: 'the folder is set inline or by dotted keys' };
  }
  return { header };
}

/**
 * The text with the folder trusted and what was there before, or null when nothing should
 * change (already trusted, or the user set another trust level there).
 */
export function codexGrantEdit(text: string, path: string, configPath: string): { text: string; before: CodexTrustBefore } | null {
  const key = codexTrustKey(path);
  const doc = parseCodexConfig(text, configPath);
  if (codexTrustLevel(doc, key) !== null) return null;
  const t = tableFor(doc, key);
  if ('foreign' in t) {
    throw new HappierError('PROVIDER_CONFIG', `${configPath} sets ${key} in a form happier does not edit: ${t.foreign}`, {
      hint: `mark it trusted by hand (a [projects.${encodeTomlKey(key)}] table with ${TRUSTED_LINE.trim()}), or remove that entry`,
      details: { path: configPath, key },
    });
  }
  const noFinalNewline = text !== '' && !text.endsWith('\n');
  if (t.header) {
    const at = t.header.end;
    return { text: text.slice(0, at) + (text[at - 1] === '\n' ? '' : '\n') + TRUSTED_LINE + text.slice(at), before: { table: 'existing', noFinalNewline } };
  }
  const head = text === '' ? '' : `${text}${noFinalNewline ? '\n' : ''}\n`;
  return { text: `${head}[projects.${encodeTomlKey(key)}]\n${TRUSTED_LINE}`, before: { table: 'absent', noFinalNewline } };
}

/**
 * The text with the grant taken back, or null when it is gone already. A table happier
 * appended goes with its line, and the blank line before it, when nothing else was put in it.
 */
export function codexRevokeEdit(text: string, key: string, before: CodexTrustBefore, configPath: string): string | null {
  const doc = parseCodexConfig(text, configPath);
  const table = ['projects', key];
  const line = doc.find((s) => s.kind === 'keyval' && same(s.table, table) && same(s.key, ['trust_level']) && s.value === 'trusted');
  if (!line) return null;
  const header = doc.find((s) => s.kind === 'header' && same(s.path, table));
  const others = doc.some((s) => s !== line && s.kind === 'keyval' && same(s.table, table));
  let next: string;
  if (before.table === 'absent' && header && !others) {
    let from = header.start;
    if (from >= 2 && text[from - 1] === '\n' && text[from - 2] === '\n') from -= 1;
    next = text.slice(0, from) + text.slice(header.end, line.start) + text.slice(Math.max(header.end, line.end));
  } else {
    next = text.slice(0, line.start) + text.slice(line.end);
  }
  return before.noFinalNewline && next.endsWith('\n') ? next.slice(0, -1) : next;
}

/** The nearest folder at or above `path` holding `.git`, the repository Codex would trust. */
export function gitRootOf(path: string, exists: (p: string) => boolean = existsSync): string | null {
  for (let p = resolve(path); ; p = dirname(p)) {
    if (exists(join(p, '.git'))) return p;
    if (dirname(p) === p) return null;
  }
}

export function codexTrust(io: ConfigFileIO = realConfigFiles): ProviderTrust {
  return {
    isTrusted(ctx, paths) {
      const path = codexConfigPath(ctx.env, ctx.homeDir);
      const file = io.read(path);
      if (!file) return false;
      const doc = parseCodexConfig(file.text, path);
      return paths.some((p) => codexTrusts(doc, p, gitRootOf(p)));
    },
    grant(ctx, target, beforeWrite) {
      const path = codexConfigPath(ctx.env, ctx.homeDir);
      return editConfigFile<TrustGrant | null>(
        io,
        path,
        (file) => {
          const edit = codexGrantEdit(file?.text ?? '', target, path);
          if (!edit) return { change: null, result: null };
          const grant: TrustGrant = { agent: 'codex', configPath: path, key: codexTrustKey(target), createdFile: file === null, before: edit.before };
          return { change: { write: edit.text }, result: grant };
        },
        (g) => g && beforeWrite(g),
      );
    },
    revoke(_ctx, grant) {
      editConfigFile(io, grant.configPath, (file) => {
        if (!file) return { change: null, result: undefined };
        const next = codexRevokeEdit(file.text, grant.key, grant.before as CodexTrustBefore, grant.configPath);
        if (next === null) return { change: null, result: undefined };
        return { change: grant.createdFile && next.trim() === '' ? { remove: true } : { write: next }, result: undefined };
      });
    },
  };
}
