/**
 * Claude's folder trust, as Claude Code 2.1 keeps it (read from its bundled source):
 * - the file is `<CLAUDE_CONFIG_DIR or ~/.claude>/.config.json` when that exists (an old
 *   layout), else `.claude.json` in CLAUDE_CONFIG_DIR or, without it, in HOME;
 * - a folder is trusted when `projects[<path>].hasTrustDialogAccepted === true` for it or
 *   for any folder above it, keys being `path.resolve`d, normalized absolute paths;
 * - accepting the dialog sets that flag on the folder's entry, creating the entry if needed.
 */
import { existsSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import type { ProviderContext } from '../provider.js';
import type { ProviderTrust, TrustGrant } from '../provider-trust.js';
import { editConfigFile, realConfigFiles, unreadable, type ConfigFileIO, type ConfigText } from '../trust-config-file.js';

type Json = Record<string, unknown>;

/** What the entry for the granted folder was before: none, or one with (or without) the flag. */
export type ClaudeTrustBefore = { readonly entry: false } | { readonly entry: true; readonly flag: { readonly value: unknown } | null };

export function claudeConfigPath(env: ProviderContext['env'], homeDir: string, exists: (p: string) => boolean = existsSync): string {
  const configHome = env.CLAUDE_CONFIG_DIR || join(homeDir, '.claude');
  const legacy = join(configHome, '.config.json');
  if (exists(legacy)) return legacy;
  return join(env.CLAUDE_CONFIG_DIR || homeDir, '.claude.json');
}

export const claudeTrustKey = (path: string): string => normalize(resolve(path));

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config as an object; anything else is refused so the file is never overwritten. */
export function parseClaudeConfig(text: string, path: string): Json {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw unreadable(path, `it is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(parsed)) throw unreadable(path, 'it is not a JSON object');
  return parsed;
}

const projectsOf = (config: Json): Json => (isObject(config.projects) ? config.projects : {});

/** Claude's own rule: the folder, or any folder above it, has accepted the dialog. */
export function claudeTrusts(config: Json, path: string): boolean {
  const projects = projectsOf(config);
  for (let p = claudeTrustKey(path); ; p = dirname(p)) {
    const entry = projects[p];
    if (isObject(entry) && entry.hasTrustDialogAccepted === true) return true;
    if (dirname(p) === p) return false;
  }
}

/** The config with `path` trusted, and what the entry was before; null when nothing needs to change. */
export function claudeGrantEdit(config: Json, path: string): { next: Json; before: ClaudeTrustBefore } | null {
  if (claudeTrusts(config, path)) return null;
  const key = claudeTrustKey(path);
  const projects = projectsOf(config);
  const entry = projects[key];
  const before: ClaudeTrustBefore = isObject(entry)
    ? { entry: true, flag: 'hasTrustDialogAccepted' in entry ? { value: entry.hasTrustDialogAccepted } : null }
    : { entry: false };
  const nextEntry = isObject(entry) ? { ...entry, hasTrustDialogAccepted: true } : { hasTrustDialogAccepted: true };
  return { next: { ...config, projects: { ...projects, [key]: nextEntry } }, before };
}

/**
 * The config with the grant taken back, or null when there is nothing of it left. An entry
 * happier created goes whole if the flag is all it holds; keys Claude added since stay.
 */
export function claudeRevokeEdit(config: Json, key: string, before: ClaudeTrustBefore): Json | null {
  const projects = projectsOf(config);
  const entry = projects[key];
  if (!isObject(entry) || entry.hasTrustDialogAccepted !== true) return null;
  const { hasTrustDialogAccepted: _granted, ...rest } = entry;
  let nextEntry: Json | undefined;
  if (before.entry && before.flag) nextEntry = { ...rest, hasTrustDialogAccepted: before.flag.value };
  else if (before.entry || Object.keys(rest).length > 0) nextEntry = rest;
  const nextProjects = { ...projects };
  if (nextEntry === undefined) delete nextProjects[key];
  else nextProjects[key] = nextEntry;
  return { ...config, projects: nextProjects };
}

/** Claude writes its config as two-space JSON; the same shape keeps diffs of it small. */
const render = (config: Json) => `${JSON.stringify(config, null, 2)}\n`;

/** A file happier made only to hold the grant is removed again with it. */
const isEmptyShell = (config: Json) =>
  Object.keys(config).every((k) => k === 'projects') && Object.keys(projectsOf(config)).length === 0;

const configOf = (file: ConfigText | null, path: string): Json => (file ? parseClaudeConfig(file.text, path) : {});

export function claudeTrust(io: ConfigFileIO = realConfigFiles): ProviderTrust {
  const pathOf = (ctx: ProviderContext) => claudeConfigPath(ctx.env, ctx.homeDir);
  return {
    isTrusted(ctx, paths) {
      const path = pathOf(ctx);
      const config = configOf(io.read(path), path);
      return paths.some((p) => claudeTrusts(config, p));
    },
    grant(ctx, target, beforeWrite) {
      const path = pathOf(ctx);
      return editConfigFile<TrustGrant | null>(
        io,
        path,
        (file) => {
          const edit = claudeGrantEdit(configOf(file, path), target);
          if (!edit) return { change: null, result: null };
          const grant: TrustGrant = { agent: 'claude', configPath: path, key: claudeTrustKey(target), createdFile: file === null, before: edit.before };
          return { change: { write: render(edit.next) }, result: grant };
        },
        (g) => g && beforeWrite(g),
      );
    },
    revoke(_ctx, grant) {
      editConfigFile(io, grant.configPath, (file) => {
        if (!file) return { change: null, result: undefined };
        const next = claudeRevokeEdit(parseClaudeConfig(file.text, grant.configPath), grant.key, grant.before as ClaudeTrustBefore);
        if (!next) return { change: null, result: undefined };
        return { change: grant.createdFile && isEmptyShell(next) ? { remove: true } : { write: render(next) }, result: undefined };
      });
    },
  };
}
