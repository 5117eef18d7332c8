import { randomUUID } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import { readJsonlHead } from '../jsonl/jsonl-file.js';
import type { BundleFile, ImportResult, StateBundle } from '../provider.js';
import { assertClaudeSessionId } from './claude-argv.js';
import { rewriteJsonl } from './claude-cwd-rewrite.js';
import { findTranscript } from './claude-files.js';
import { claudeSlug, slugStemMatches } from './claude-slug.js';

/**
 * A Claude session's state as a bundle. Paths inside it are relative to a neutral layout,
 * so the importer decides where they land:
 *   project/<sid>.jsonl       -> projects/<target slug>/<sid>.jsonl   (the transcript)
 *   project/<sid>/...         -> projects/<target slug>/<sid>/...     (subagents, tool results)
 *   tasks|file-history|session-env/<sid>/... -> the same folder under the target root
 */
const SIDE_FOLDERS = ['tasks', 'file-history', 'session-env'] as const;

function walkFiles(dir: string, prefix: string, out: BundleFile[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const abs = join(dir, e.name);
    const rel = `${prefix}/${e.name}`;
    // Links are not followed: they could point anywhere on the source machine.
    if (e.isDirectory()) walkFiles(abs, rel, out);
    else if (e.isFile()) out.push({ path: rel, mode: lstatSync(abs).mode & 0o777, data: readFileSync(abs) });
  }
}

/** The transcript up to its last complete line: a half-written record would be garbage on the target. */
function completeLines(data: Buffer): Buffer {
  const nl = data.lastIndexOf(0x0a);
  return nl === data.length - 1 ? data : data.subarray(0, nl + 1);
}

function recordedCwd(path: string): string {
  for (const e of readJsonlHead(path, 200).entries) {
    if (e.kind === 'record' && typeof e.value.cwd === 'string' && e.value.cwd !== '') return e.value.cwd;
  }
  return '';
}

/** The one function that decides what of a Claude session leaves this machine. */
export function exportClaudeBundle(root: string, vendorSessionId: string): StateBundle {
  const id = assertClaudeSessionId(vendorSessionId);
  const file = findTranscript(root, id);
  const files: BundleFile[] = [
    { path: `project/${id}.jsonl`, mode: lstatSync(file.path).mode & 0o777, data: completeLines(readFileSync(file.path)) },
  ];
  walkFiles(join(file.projectDir, id), `project/${id}`, files);
  for (const folder of SIDE_FOLDERS) walkFiles(join(root, folder, id), `${folder}/${id}`, files);
  return {
    agent: 'claude',
    vendorSessionId: id,
    sourceCwd: recordedCwd(file.path),
    files,
    meta: { slug: basename(file.projectDir) },
  };
}

/** Where a bundle path lands under the target root, or an UNSAFE_PATH error. */
export function bundleTarget(path: string, id: string, projectDir: string, root: string): string {
  const parts = path.split('/');
  const bad = () =>
    new HappierError('UNSAFE_PATH', `the bundle holds a path outside the session's folders: ${JSON.stringify(path)}`, {
      hint: 'the bundle was not made by happier, or was damaged; nothing was written',
    });
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) throw bad();
  if (parts[0] === 'project') {
    if (parts.length === 2 && parts[1] === `${id}.jsonl`) return join(projectDir, `${id}.jsonl`);
    if (parts.length >= 3 && parts[1] === id) return join(projectDir, ...parts.slice(1));
    throw bad();
  }
  if ((SIDE_FOLDERS as readonly string[]).includes(parts[0]!) && parts.length >= 3 && parts[1] === id) {
    return join(root, ...parts);
  }
  throw bad();
}

/**
 * The project folder for `cwd` on this machine. Claude resumes only from the folder of the
 * cwd's realpath, so that slug decides; but when a folder for the same long path already
 * exists under another hash suffix (made by a Claude whose hash differs), that existing
 * folder is the one Claude uses here.
 */
export function targetProjectDir(root: string, realCwd: string): string {
  const projects = join(root, 'projects');
  const slug = claudeSlug(realCwd);
  if (existsSync(join(projects, slug))) return join(projects, slug);
  let existing: string[] = [];
  try {
    existing = readdirSync(projects).filter((name) => slugStemMatches(name, realCwd));
  } catch {
    // no projects folder yet
  }
  return join(projects, existing.length === 1 ? existing[0]! : slug);
}

export type ExistingVerdict = 'none' | 'same-or-older' | 'different';

/**
 * Whether a transcript already on this machine may be replaced by `incoming`. Replacing is
 * safe only when what is there is the same conversation at the same or an earlier point:
 * byte-identical, or a prefix of `incoming` ending at a line boundary (an earlier handoff
 * of this session that has since grown at the source). Anything else - other content, or a
 * copy that is *longer* than the incoming one - holds turns the bundle does not, and
 * overwriting it would lose them.
 */
export function compareExisting(existing: Buffer | null, incoming: Buffer): ExistingVerdict {
  if (existing === null) return 'none';
  if (existing.length > incoming.length) return 'different';
  if (!incoming.subarray(0, existing.length).equals(existing)) return 'different';
  if (existing.length === incoming.length || existing.length === 0) return 'same-or-older';
  return existing[existing.length - 1] === 0x0a ? 'same-or-older' : 'different';
}

function tryFind(root: string, id: string): string | null {
  try {
    return findTranscript(root, id).path;
  } catch (err) {
    if (err instanceof HappierError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/**
 * Applies a bundle under `root` for `targetCwd`: the transcript goes under the target's
 * slug with its paths rewritten, the side folders next to it. Everything is written into
 * a staging folder inside the root (same filesystem) and then renamed into place, with
 * anything it replaces kept aside until the last rename succeeded.
 */
export function importClaudeBundle(root: string, bundle: StateBundle, targetCwd: string): ImportResult {
  if (bundle.agent !== 'claude') {
    throw new HappierError('USAGE', `a ${bundle.agent} bundle cannot be imported as a Claude session`);
  }
  const id = assertClaudeSessionId(bundle.vendorSessionId);
  let realCwd: string;
  try {
    realCwd = realpathSync(targetCwd);
  } catch {
    throw new HappierError('PATH_MISSING', `the target directory ${targetCwd} does not exist`, {
      hint: 'hand off with --workspace to bring the folder along, or create it on the target first',
    });
  }
  const projectDir = targetProjectDir(root, realCwd);
  const transcriptRel = `project/${id}.jsonl`;
  const planned = bundle.files.map((f) => ({ file: f, dest: bundleTarget(f.path, id, projectDir, root) }));
  const transcript = planned.find((p) => p.file.path === transcriptRel);
  if (!transcript) {
    throw new HappierError('USAGE', `the bundle for ${id} holds no transcript`, { hint: 'export it again' });
  }
  const rewrite = (f: BundleFile): Buffer =>
    f.path.endsWith('.jsonl') && (f.path === transcriptRel || f.path.startsWith(`project/${id}/`)) && bundle.sourceCwd
      ? Buffer.from(rewriteJsonl(f.data.toString('utf8'), { from: bundle.sourceCwd, to: realCwd }), 'utf8')
      : f.data;
  const incoming = rewrite(transcript.file);

  // An earlier copy may sit under another project folder (it was moved here before, for
  // another cwd). It is the same conversation if, seen with the new cwd, it is a prefix of
  // the incoming one; then the incoming copy supersedes it and it is removed once the new
  // one is in place, so Claude never finds two sessions with one id.
  const existingPath = tryFind(root, id);
  let superseded: string | null = null;
  if (existingPath !== null) {
    const elsewhere = dirname(existingPath) !== projectDir;
    let existing = readFileSync(existingPath);
    if (elsewhere) {
      const oldCwd = recordedCwd(existingPath);
      if (oldCwd) existing = Buffer.from(rewriteJsonl(existing.toString('utf8'), { from: oldCwd, to: realCwd }), 'utf8');
    }
    if (compareExisting(existing, incoming) === 'different') {
      throw new HappierError('CONFLICT', `a different Claude session with id ${id} already exists here`, {
        hint: `it is at ${existingPath} and holds turns the incoming copy does not; move it aside to import`,
        details: { path: existingPath },
      });
    }
    if (elsewhere) superseded = existingPath;
  }

  const stage = join(root, `.happier-import-${randomUUID()}`);
  const fresh = join(stage, 'new');
  const aside = join(stage, 'old');
  mkdirSync(fresh, { recursive: true, mode: 0o700 });
  const committed: { dest: string; backup: string | null }[] = [];
  try {
    // Top-level units are renamed as wholes: the transcript, and each per-session folder.
    const units = new Map<string, string>();
    const unitOf = (dest: string): string => {
      if (dest === transcript.dest) return dest;
      const under = (base: string) => dest.startsWith(base + '/') ? base : null;
      return (
        under(join(projectDir, id)) ??
        SIDE_FOLDERS.map((f) => under(join(root, f, id))).find((x) => x !== null) ??
        dest
      );
    };
    for (const p of planned) {
      const unit = unitOf(p.dest);
      if (!units.has(unit)) units.set(unit, join(fresh, String(units.size)));
      const stagedUnit = units.get(unit)!;
      const staged = p.dest === unit ? stagedUnit : join(stagedUnit, p.dest.slice(unit.length + 1));
      mkdirSync(dirname(staged), { recursive: true, mode: 0o700 });
      // Transcripts hold whole conversations: only their user reads them, whatever the source's bits were.
      writeFileSync(staged, p.file === transcript.file ? incoming : rewrite(p.file), { mode: 0o600 });
    }
    mkdirSync(aside, { recursive: true, mode: 0o700 });
    // The transcript goes last: until it is in place, Claude does not see the session at all.
    const order = [...units.keys()].sort((a, b) => (a === transcript.dest ? 1 : b === transcript.dest ? -1 : 0));
    for (const dest of order) {
      mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
      let backup: string | null = null;
      if (existsSync(dest)) {
        backup = join(aside, String(committed.length));
        renameSync(dest, backup);
      }
      committed.push({ dest, backup });
      renameSync(units.get(dest)!, dest);
    }
  } catch (err) {
    let restored = true;
    for (const c of committed.reverse()) {
      try {
        rmSync(c.dest, { recursive: true, force: true });
        if (c.backup) renameSync(c.backup, c.dest);
      } catch {
        restored = false;
      }
    }
    // What could not be put back stays in the staging folder rather than being lost.
    if (restored) rmSync(stage, { recursive: true, force: true });
    if (err instanceof HappierError) throw err;
    throw new HappierError('PROVIDER_FAILED', `could not import Claude session ${id}: ${(err as Error).message}`, {
      hint: 'nothing was changed; check free space and permissions under the Claude root',
      cause: err,
    });
  }
  rmSync(stage, { recursive: true, force: true });
  if (superseded) {
    try {
      rmSync(superseded, { force: true });
      rmSync(join(dirname(superseded), id), { recursive: true, force: true });
    } catch {
      // The new copy is in place and is the newest; a leftover old one only costs space.
    }
  }
  return { vendorSessionId: id, writtenPaths: planned.map((p) => p.dest) };
}
