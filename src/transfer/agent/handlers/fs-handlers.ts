/**
 * File-system requests a peer may make of this machine's agent. Every path goes through
 * agentPath first; writes land under a temporary name and are renamed only once complete
 * and verified, so an interrupted transfer never leaves a partial file in place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, rm, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HappierError } from '../../../domain/errors.js';
import type { AgentStream, HandlerRegistry } from '../agent-endpoint.js';
import { agentPath } from '../agent-paths.js';

export const STAGING_PREFIX = '.happier-staging-';
const CHUNK = 256 * 1024;

export interface StatResult {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
}

async function statOf(path: string): Promise<StatResult | null> {
  try {
    const st = await lstat(path);
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
    return { type, size: st.size, mtimeMs: Math.floor(st.mtimeMs), mode: st.mode & 0o7777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

export function registerFsHandlers(reg: HandlerRegistry, homeDir: string): void {
  const p = (x: unknown) => agentPath(x, homeDir);
  reg
    .rpc('fs.stat', async ({ path }: { path: string }) => statOf(p(path)))
    .rpc('fs.list', async ({ path }: { path: string }) => {
      const dir = p(path);
      const names = (await readdir(dir)).sort();
      const out: (StatResult & { name: string })[] = [];
      for (const name of names) {
        const st = await statOf(join(dir, name));
        if (st) out.push({ name, ...st });
      }
      return out;
    })
    .rpc('fs.mkdir', async ({ path, mode }: { path: string; mode?: number }) => {
      await mkdir(p(path), { recursive: true, mode: (mode ?? 0o755) & 0o777 });
      return true;
    })
    .rpc('fs.rename', async ({ from, to }: { from: string; to: string }) => {
      await rename(p(from), p(to));
      return true;
    })
    .rpc('staging.create', async ({ parent }: { parent: string }) => {
      const dir = p(parent);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, STAGING_PREFIX + randomBytes(6).toString('hex'));
      await mkdir(path, { mode: 0o700 });
      return { path };
    })
    .rpc('staging.remove', async ({ path }: { path: string }) => {
      const target = p(path);
      // Only ever deletes what staging.create made, whatever a peer asks.
      if (!basename(target).includes(STAGING_PREFIX)) {
        throw new HappierError('UNSAFE_PATH', `refused to remove ${target}: not a staging directory`, {
          hint: 'only paths made by staging.create can be removed',
        });
      }
      await rm(target, { recursive: true, force: true });
      return true;
    })
    .stream('file.put', (stream, params: { path: string; size: number; sha256: string; mode?: number; mtimeMs?: number }) =>
      receiveFile(stream, p(params.path), params),
    )
    .stream('file.get', (stream, { path }: { path: string }) => sendFile(stream, p(path)));
}

async function receiveFile(
  stream: AgentStream,
  dest: string,
  want: { size: number; sha256: string; mode?: number; mtimeMs?: number },
): Promise<{ size: number; sha256: string }> {
  const tmp = join(dirname(dest), `.happier-tmp-${randomBytes(6).toString('hex')}-${basename(dest).slice(0, 100)}`);
  const fh = await open(tmp, 'wx', (want.mode ?? 0o644) & 0o777);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const m of stream) {
      if (!m.body) continue;
      size += m.body.length;
      if (size > want.size) throw mismatch(dest, 'more bytes than announced');
      hash.update(m.body);
      await fh.write(m.body);
    }
    const sha256 = hash.digest('hex');
    if (size !== want.size || sha256 !== want.sha256) throw mismatch(dest, `got ${size} bytes with sha256 ${sha256.slice(0, 16)}…`);
    await fh.sync();
    await fh.close();
    if (want.mode !== undefined) await chmod(tmp, want.mode & 0o777);
    if (want.mtimeMs !== undefined) await utimes(tmp, new Date(want.mtimeMs), new Date(want.mtimeMs));
    await rename(tmp, dest);
    return { size, sha256 };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

async function sendFile(stream: AgentStream, path: string): Promise<{ size: number; sha256: string; mode: number; mtimeMs: number }> {
  const st = await lstat(path);
  if (!st.isFile()) throw new HappierError('NOT_FOUND', `${path} is not a regular file`, { hint: 'check the path' });
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    const b = chunk as Buffer;
    hash.update(b);
    size += b.length;
    await stream.send(undefined, b);
  }
  return { size, sha256: hash.digest('hex'), mode: st.mode & 0o777, mtimeMs: Math.floor(st.mtimeMs) };
}

function mismatch(dest: string, what: string): HappierError {
  return new HappierError('TRANSFER_FAILED', `the upload of ${dest} does not match its hash: ${what}`, {
    hint: 'retry; the file was not put in place',
    details: { path: dest, reason: 'hash-mismatch' },
  });
}
