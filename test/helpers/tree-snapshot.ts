import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface SnapshotEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly mode: number;
  readonly mtimeMs: number;
  readonly size: number;
  /** md5 of a file's content, a symlink's target. */
  readonly content: string;
}

/** Every path under root (no symlink followed) with what a sync must preserve. */
export function treeSnapshot(root: string, opts: { mtimes?: boolean } = {}): Map<string, SnapshotEntry> {
  const out = new Map<string, SnapshotEntry>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
      const content = type === 'file' ? createHash('md5').update(readFileSync(abs)).digest('hex') : type === 'symlink' ? readlinkSync(abs) : '';
      out.set(r, {
        type,
        mode: type === 'symlink' ? 0 : st.mode & 0o777,
        mtimeMs: opts.mtimes === false || type === 'symlink' ? 0 : Math.floor(st.mtimeMs), // sync keeps whole milliseconds
        size: type === 'file' ? st.size : 0,
        content,
      });
      if (type === 'dir') walk(abs, r);
    }
  };
  walk(root, '');
  return out;
}
