import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HappierError } from '../../domain/errors.js';
import type { ImportResult, ProviderContext, StateBundle } from '../provider.js';
import { findRollouts, liveRelativePath } from './codex-files.js';
import { codexRoot, codexStateDbPath } from './codex-home.js';
import { rewriteRolloutCwd, rolloutSessionMeta } from './codex-cwd-rewrite.js';
import { assertCodexSessionId } from './codex-session-id.js';
import { repairThreadRow } from './codex-threads-db.js';
import { requireRollout } from './codex-transcript.js';

/** The rollout file, byte for byte, under the relative path it will take on the target. */
export async function exportCodexBundle(ctx: ProviderContext, vendorSessionId: string): Promise<StateBundle> {
  const { id, root, file } = requireRollout(ctx, vendorSessionId);
  const data = readFileSync(file.path);
  const st = statSync(file.path);
  const meta = rolloutSessionMeta(data);
  if (meta.id !== null && meta.id.toLowerCase() !== id) {
    throw new HappierError('PROVIDER_FAILED', `the rollout ${file.path} belongs to session ${meta.id}, not ${id}`, {
      hint: 'the file was renamed by hand; move it back or export the session it really holds',
    });
  }
  const path = liveRelativePath(root, file, st.mtime);
  return {
    agent: 'codex',
    vendorSessionId: id,
    sourceCwd: meta.cwd ?? '',
    files: [{ path, mode: st.mode & 0o777, data }],
    meta: { relativePath: path, archived: file.archived },
  };
}

/**
 * Writes the rollout at its relative path under the target's sessions/, with the cwd
 * rewritten for `targetCwd`. The target may hold an earlier copy of this conversation (a
 * session that was here before): that copy is replaced in place. A copy that is not a
 * prefix of the incoming one is another conversation under the same id: CONFLICT.
 */
export async function importCodexBundle(ctx: ProviderContext, bundle: StateBundle, opts: { targetCwd: string }): Promise<ImportResult> {
  const id = assertCodexSessionId(bundle.vendorSessionId).toLowerCase();
  const file = bundle.files.length === 1 ? bundle.files[0] : undefined;
  if (bundle.agent !== 'codex' || !file) {
    throw new HappierError('PROTOCOL', `the Codex bundle for ${id} does not hold exactly one rollout`, {
      hint: 'the source happier may be incompatible; update both machines',
    });
  }
  if (!isRolloutPathFor(file.path, id)) {
    throw new HappierError('UNSAFE_PATH', `refusing to write the Codex bundle file ${JSON.stringify(file.path)}`, {
      hint: 'a rollout must go to sessions/YYYY/MM/DD/rollout-…-<id>.jsonl',
    });
  }
  const incoming = rewriteRolloutCwd(file.data, opts.targetCwd);
  const meta = rolloutSessionMeta(incoming);
  if (meta.id === null || meta.id.toLowerCase() !== id) {
    throw new HappierError('PROTOCOL', `the Codex bundle for ${id} holds no session_meta for that session`, {
      hint: 'the source rollout may be damaged; check it with `happier direct show`',
    });
  }

  const root = codexRoot(ctx.env, ctx.homeDir);
  let dest = join(root, ...file.path.split('/'));
  for (const existing of findRollouts(root, id)) {
    const ours = completeLines(rewriteRolloutCwd(readFileSync(existing.path), opts.targetCwd));
    if (!incoming.subarray(0, ours.length).equals(ours)) {
      throw new HappierError('CONFLICT', `Codex on this machine already has session ${id} with history the incoming copy lacks`, {
        hint: `that copy is newer or another conversation; keep it, or move ${existing.path} aside to import`,
        details: { vendorSessionId: id, path: existing.path },
      });
    }
    if (!existing.archived) dest = existing.path;
  }
  assertInside(join(root, 'sessions'), dest);

  mkdirSync(dirname(dest), { recursive: true });
  const staged = join(dirname(dest), `.${randomBytes(6).toString('hex')}.happier-import.tmp`);
  // A rollout holds the whole conversation: only its user reads it, whatever the source's bits were.
  writeDurably(staged, incoming, 0o600);
  try {
    // Before the rename: if the index cannot be fixed, nothing of the import is visible.
    await repairThreadRow(codexStateDbPath(root), id, dest, opts.targetCwd);
    renameSync(staged, dest);
  } catch (err) {
    unlinkQuietly(staged);
    throw err;
  }
  return { vendorSessionId: id, writtenPaths: [dest] };
}

const ROLLOUT_PATH = /^sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-[0-9T-]+-([0-9a-fA-F-]{36})\.jsonl$/;

export function isRolloutPathFor(path: string, id: string): boolean {
  const m = ROLLOUT_PATH.exec(path);
  return !!m && m[1]!.toLowerCase() === id.toLowerCase();
}

/** A copy Codex was still writing may end in half a line; only whole lines are compared. */
function completeLines(data: Buffer): Buffer {
  if (data.length === 0 || data[data.length - 1] === 0x0a) return data;
  return data.subarray(0, data.lastIndexOf(0x0a) + 1);
}

function assertInside(dir: string, path: string): void {
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new HappierError('UNSAFE_PATH', `refusing to write ${path} outside ${dir}`, { hint: 'check CODEX_HOME on this machine' });
  }
}

function writeDurably(path: string, data: Buffer, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
