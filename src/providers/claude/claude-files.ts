import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import { isClaudeSessionId } from './claude-argv.js';

export interface TranscriptFile {
  readonly vendorSessionId: string;
  readonly projectDir: string;
  readonly path: string;
}

function readdirOrEmpty(dir: string): import('node:fs').Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Every `projects/<slug>/<uuid>.jsonl` under the root; other files (subagents, notes) are not sessions. */
export function listTranscripts(root: string): TranscriptFile[] {
  const projects = join(root, 'projects');
  const out: TranscriptFile[] = [];
  for (const d of readdirOrEmpty(projects)) {
    if (!d.isDirectory()) continue;
    const projectDir = join(projects, d.name);
    for (const f of readdirOrEmpty(projectDir)) {
      if (!f.name.endsWith('.jsonl') || !(f.isFile() || f.isSymbolicLink())) continue;
      const id = f.name.slice(0, -'.jsonl'.length);
      if (isClaudeSessionId(id)) out.push({ vendorSessionId: id.toLowerCase(), projectDir, path: join(projectDir, f.name) });
    }
  }
  return out;
}

/**
 * The transcript of one session. The id is looked for in every project folder rather
 * than only under the slug of a remembered cwd: the folder that really exists is what
 * Claude will use. If the same id is in several folders, the latest written wins.
 */
export function findTranscript(root: string, vendorSessionId: string): TranscriptFile {
  const id = vendorSessionId.toLowerCase();
  const projects = join(root, 'projects');
  const found: { file: TranscriptFile; mtimeMs: number }[] = [];
  for (const d of readdirOrEmpty(projects)) {
    if (!d.isDirectory()) continue;
    const path = join(projects, d.name, `${id}.jsonl`);
    try {
      const st = statSync(path);
      if (st.isFile()) found.push({ file: { vendorSessionId: id, projectDir: join(projects, d.name), path }, mtimeMs: st.mtimeMs });
    } catch {
      // not in this project folder
    }
  }
  found.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const best = found[0];
  if (!best) {
    throw new HappierError('NOT_FOUND', `no Claude session ${id} under ${projects}`, {
      hint: 'run `happier direct list --agent claude` to see the sessions found on this machine',
    });
  }
  return best.file;
}

/**
 * Claude Code records each running process in `sessions/<pid>.json` ({pid, sessionId,
 * cwd, …}) and removes the file on a clean exit. The pids that claim this session.
 */
export function claudeSessionClaims(root: string, vendorSessionId: string): number[] {
  const dir = join(root, 'sessions');
  const id = vendorSessionId.toLowerCase();
  const pids: number[] = [];
  for (const f of readdirOrEmpty(dir)) {
    if (!f.name.endsWith('.json') || !f.isFile()) continue;
    try {
      const rec = JSON.parse(readFileSync(join(dir, f.name), 'utf8')) as { pid?: unknown; sessionId?: unknown };
      if (typeof rec.sessionId === 'string' && rec.sessionId.toLowerCase() === id && Number.isSafeInteger(rec.pid)) {
        pids.push(rec.pid as number);
      }
    } catch {
      // a file being written, or not Claude's: no claim
    }
  }
  return pids;
}
