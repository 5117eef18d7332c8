import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One rollout file; `fileId` is the UUID at the end of its name. */
export interface RolloutFile {
  readonly fileId: string;
  readonly path: string;
  /** Whether it sits under archived_sessions/ rather than sessions/. */
  readonly archived: boolean;
}

const ROLLOUT_NAME = /^rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;
/** Rollouts sit at sessions/YYYY/MM/DD/; archived ones are flat or nested the same way. */
const MAX_DEPTH = 4;

export function rolloutIdOf(name: string): string | null {
  return ROLLOUT_NAME.exec(name)?.[1]?.toLowerCase() ?? null;
}

function readdirOrEmpty(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
    throw err;
  }
}

function walk(dir: string, depth: number, archived: boolean, out: RolloutFile[], only?: string): void {
  for (const d of readdirOrEmpty(dir)) {
    const path = join(dir, d.name);
    if (d.isDirectory()) {
      if (depth < MAX_DEPTH) walk(path, depth + 1, archived, out, only);
      continue;
    }
    if (!d.isFile() && !d.isSymbolicLink()) continue;
    const id = rolloutIdOf(d.name);
    if (id && (only === undefined || id === only)) out.push({ fileId: id, path, archived });
  }
}

/** Every rollout under sessions/ and archived_sessions/. */
export function listRollouts(root: string): RolloutFile[] {
  const out: RolloutFile[] = [];
  walk(join(root, 'sessions'), 1, false, out);
  walk(join(root, 'archived_sessions'), 1, true, out);
  return out;
}

/** The rollouts of one session id, live ones first. Normally one; a copy left in two places is reported too. */
export function findRollouts(root: string, vendorSessionId: string): RolloutFile[] {
  const out: RolloutFile[] = [];
  const id = vendorSessionId.toLowerCase();
  walk(join(root, 'sessions'), 1, false, out, id);
  walk(join(root, 'archived_sessions'), 1, true, out, id);
  return out;
}

/**
 * Where a rollout belongs under sessions/, `/`-separated: its own place when it is there,
 * else the date folder its name carries (an archived rollout comes back to a live place),
 * else the folder of `fallback`. Codex looks for rollouts in YYYY/MM/DD folders only.
 */
export function liveRelativePath(root: string, file: RolloutFile, fallback: Date): string {
  const rel = relative(root, file.path).split(sep).join('/');
  if (!file.archived && /^sessions\/\d{4}\/\d{2}\/\d{2}\/[^/]+$/.test(rel)) return rel;
  const name = file.path.slice(file.path.lastIndexOf(sep) + 1);
  const date = /^rollout-(\d{4})-(\d{2})-(\d{2})T/.exec(name);
  if (date) return `sessions/${date[1]}/${date[2]}/${date[3]}/${name}`;
  const [y, m, d] = fallback.toISOString().slice(0, 10).split('-');
  return `sessions/${y}/${m}/${d}/${name}`;
}

/**
 * Thread names from `session_index.jsonl`, where Codex appends `{id, thread_name}` when a
 * thread is named (by the user, or by the model in the TUI); the last line for an id wins.
 */
export function readSessionIndex(root: string): Map<string, string> {
  const names = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(join(root, 'session_index.jsonl'), 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const rec = JSON.parse(line) as { id?: unknown; thread_name?: unknown };
      if (typeof rec.id === 'string' && typeof rec.thread_name === 'string' && rec.thread_name.trim() !== '') names.set(rec.id.toLowerCase(), rec.thread_name);
    } catch {
      // a damaged line names nothing
    }
  }
  return names;
}
