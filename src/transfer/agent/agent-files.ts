/** Whole-file copies over an agent connection, checked by sha256 on arrival. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import type { AgentEndpoint } from './agent-endpoint.js';

const CHUNK = 256 * 1024;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: CHUNK })) h.update(c as Buffer);
  return h.digest('hex');
}

/** Copies a local file to `remotePath` on the peer; it appears there whole or not at all. */
export async function putFile(agent: AgentEndpoint, localPath: string, remotePath: string): Promise<{ size: number; sha256: string }> {
  const st = await stat(localPath);
  const sha256 = await sha256File(localPath);
  const stream = agent.open('file.put', { path: remotePath, size: st.size, sha256, mode: st.mode & 0o777, mtimeMs: Math.floor(st.mtimeMs) });
  try {
    for await (const c of createReadStream(localPath, { highWaterMark: CHUNK })) await stream.send(undefined, c as Buffer);
    stream.end();
  } catch (err) {
    stream.abort(err);
    throw err;
  }
  return (await stream.result) as { size: number; sha256: string };
}

/** Copies `remotePath` from the peer to a local file, under a temporary name until its hash checks. */
export async function getFile(agent: AgentEndpoint, remotePath: string, localPath: string): Promise<{ size: number; sha256: string }> {
  const tmp = join(dirname(localPath), `.happier-tmp-${randomBytes(6).toString('hex')}-${basename(localPath).slice(0, 100)}`);
  const fh = await open(tmp, 'wx', 0o600);
  const h = createHash('sha256');
  let size = 0;
  const stream = agent.open('file.get', { path: remotePath });
  try {
    for await (const m of stream) {
      if (!m.body) continue;
      h.update(m.body);
      size += m.body.length;
      await fh.write(m.body);
    }
    const want = (await stream.result) as { size: number; sha256: string; mode: number; mtimeMs: number };
    const sha256 = h.digest('hex');
    if (want.size !== size || want.sha256 !== sha256) {
      throw new HappierError('TRANSFER_FAILED', `the copy of ${remotePath} does not match its hash`, {
        hint: 'retry; nothing was put in place',
        details: { reason: 'hash-mismatch' },
      });
    }
    await fh.chmod(want.mode & 0o777);
    await fh.sync();
    await fh.close();
    await rename(tmp, localPath);
    return { size, sha256 };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
