import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createChannelPair } from '../../../src/transfer/tree-sync/in-process-channel.js';
import { syncTreeLocal } from '../../../src/transfer/tree-sync/local-sync.js';
import type { SyncChannel } from '../../../src/transfer/tree-sync/protocol.js';
import { receiveTree } from '../../../src/transfer/tree-sync/receiver.js';
import { sendTree } from '../../../src/transfer/tree-sync/sender.js';
import { cleanupSyncLeftovers } from '../../../src/transfer/tree-sync/sync-leftovers.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { treeSnapshot } from '../../helpers/tree-snapshot.js';

const tmp = tempDir('happier-sync-');
afterAll(() => tmp.cleanup());
const noGit = { ignoreRules: false } as const;

function write(root: string, rel: string, text: string | Buffer = rel): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function dir(name: string): string {
  const p = join(tmp.path, name);
  mkdirSync(p, { recursive: true });
  return p;
}

describe('tree sync on a real file system', () => {
  it('copies names with spaces and unicode, symlinks in-tree and escaping, empty folders, modes and mtimes', async () => {
    const src = dir('basic-src');
    write(src, 'plain.txt', 'hello\n');
    write(src, 'with space/and more spaces.md', '# title\n');
    write(src, 'ünïcødé/日本語 ファイル.txt', 'こんにちは');
    write(src, 'script.sh', '#!/bin/sh\necho hi\n');
    chmodSync(join(src, 'script.sh'), 0o755);
    write(src, 'readonly.txt', 'ro');
    chmodSync(join(src, 'readonly.txt'), 0o444);
    write(src, 'private/key', 'secret');
    chmodSync(join(src, 'private/key'), 0o600);
    chmodSync(join(src, 'private'), 0o700);
    write(src, 'empty-file', '');
    mkdirSync(join(src, 'empty/nested/deeper'), { recursive: true });
    symlinkSync('plain.txt', join(src, 'link-in-tree'));
    symlinkSync('../../outside/secret', join(src, 'with space/link-escaping'));
    symlinkSync('/etc/passwd', join(src, 'link-absolute'));
    symlinkSync('ünïcødé', join(src, 'link-to-dir'));
    execFileSync('mkfifo', [join(src, 'a-fifo')]);
    write(src, 'back\\slash.txt', 'a legal name on Linux that no receiver may accept');
    utimesSync(join(src, 'plain.txt'), new Date('2020-01-02T03:04:05.678Z'), new Date('2020-01-02T03:04:05.678Z'));
    utimesSync(join(src, 'empty/nested'), new Date('2019-05-05T00:00:00Z'), new Date('2019-05-05T00:00:00Z'));
    const dest = join(tmp.path, 'basic-dest');

    const r = await syncTreeLocal(src, dest, { send: noGit });

    const want = treeSnapshot(src);
    want.delete('a-fifo');
    want.delete('back\\slash.txt');
    expect(treeSnapshot(dest)).toEqual(want);
    expect(r.received.staged).toBe(true);
    const skipped = [{ path: 'a-fifo', kind: 'fifo' }, { path: 'back\\slash.txt', kind: 'unsafe-name' }];
    expect(r.sent.skipped).toEqual(skipped);
    expect(r.received.skipped).toEqual(skipped);
    expect(r.sent.filesSent).toBe(6);
    expect(readdirSync(tmp.path).filter((n) => n.includes('happier-staging'))).toEqual([]);
  });

  it('re-syncs only what changed, deletes what the source deleted, and keeps ignored destination files', async () => {
    const src = dir('resync-src');
    execFileSync('git', ['init', '-q', src]);
    write(src, '.gitignore', 'node_modules/\n.env\n*.log\n');
    const big = Buffer.alloc(2_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919 + (i >> 9)) & 0xff;
    write(src, 'data/big.bin', big);
    for (let i = 0; i < 50; i++) write(src, `src/file-${i}.ts`, `export const v${i} = ${i};\n`.repeat(50));
    write(src, 'to-delete.txt', 'bye');
    write(src, 'old-dir/inner.txt', 'bye too');
    write(src, 'node_modules/pkg/index.js', 'module');
    const dest = join(tmp.path, 'resync-dest');
    const first = await syncTreeLocal(src, dest);
    expect(first.received.staged).toBe(true);
    expect(existsSync(join(dest, 'node_modules'))).toBe(false);

    // The destination's own ignored files: the source never speaks for them.
    write(dest, '.env', 'TOKEN=dest-only');
    write(dest, 'node_modules/dest-pkg/index.js', 'installed on the destination');
    write(dest, 'debug.log', 'dest log');
    write(dest, 'dest-only.txt', 'not ignored, not in the source');
    write(dest, 'stale/a.txt', 'in scope, goes');
    write(dest, 'stale/b.log', 'ignored, stays with its directory');

    const edited = Buffer.from(big);
    edited.write('EDITED IN THE MIDDLE', 1_000_000);
    write(src, 'data/big.bin', Buffer.concat([Buffer.from('prefix '), edited]));
    write(src, 'src/file-3.ts', 'changed\n');
    write(src, 'src/new-file.ts', 'new\n');
    rmSync(join(src, 'to-delete.txt'));
    rmSync(join(src, 'old-dir'), { recursive: true });
    chmodSync(join(src, 'src/file-4.ts'), 0o600);

    const second = await syncTreeLocal(src, dest);

    expect(second.received.staged).toBe(false);
    expect(treeSnapshot(dest).get('data/big.bin')).toEqual(treeSnapshot(src).get('data/big.bin'));
    expect(readFileSync(join(dest, 'src/file-3.ts'), 'utf8')).toBe('changed\n');
    expect(readFileSync(join(dest, 'src/new-file.ts'), 'utf8')).toBe('new\n');
    expect(treeSnapshot(dest).get('src/file-4.ts')?.mode).toBe(0o600);
    expect(existsSync(join(dest, 'to-delete.txt'))).toBe(false);
    expect(existsSync(join(dest, 'old-dir'))).toBe(false);
    expect(existsSync(join(dest, 'dest-only.txt'))).toBe(false);
    expect(readFileSync(join(dest, '.env'), 'utf8')).toBe('TOKEN=dest-only');
    expect(existsSync(join(dest, 'node_modules/dest-pkg/index.js'))).toBe(true);
    expect(existsSync(join(dest, 'debug.log'))).toBe(true);
    expect(existsSync(join(dest, 'stale/a.txt'))).toBe(false);
    expect(readFileSync(join(dest, 'stale/b.log'), 'utf8')).toBe('ignored, stays with its directory');
    expect(second.sent.filesSent).toBe(3);
    expect(second.sent.literalBytes).toBeLessThan(20_000);
    expect(second.sent.matchedBytes).toBeGreaterThan(1_900_000);
    expect(second.received.filesDeleted).toBe(5);
    expect(second.wireBytes).toBeLessThan(60_000);

    const third = await syncTreeLocal(src, dest);
    expect(third.sent.filesSent).toBe(0);
    expect(third.received.filesWritten).toBe(0);
  });

  it('follows type changes: a file becomes a directory, a directory becomes a symlink', async () => {
    const src = dir('types-src');
    write(src, 'thing', 'file first');
    write(src, 'folder/a.txt', 'a');
    const dest = join(tmp.path, 'types-dest');
    await syncTreeLocal(src, dest, { send: noGit });
    rmSync(join(src, 'thing'));
    write(src, 'thing/inside.txt', 'now a dir');
    rmSync(join(src, 'folder'), { recursive: true });
    symlinkSync('thing', join(src, 'folder'));
    await syncTreeLocal(src, dest, { send: noGit });
    expect(treeSnapshot(dest)).toEqual(treeSnapshot(src));
  });

  it('include globs bring chosen ignored files across', async () => {
    const src = dir('include-src');
    execFileSync('git', ['init', '-q', src]);
    write(src, '.gitignore', 'dist/\n.env*\n');
    write(src, 'dist/app.js', 'built');
    write(src, '.env.local', 'LOCAL=1');
    write(src, '.env', 'SECRET=1');
    write(src, 'index.ts', 'code');
    const dest = join(tmp.path, 'include-dest');
    await syncTreeLocal(src, dest, { send: { include: ['dist/**', '.env.local'] } });
    expect([...treeSnapshot(dest).keys()].filter((k) => !k.startsWith('.git/') && k !== '.git')).toEqual([
      '.env.local', '.gitignore', 'dist', 'dist/app.js', 'index.ts',
    ]);
  });

  it('copies what a file holds when it is read, if it shrank after it was listed', async () => {
    const src = dir('shrink-src');
    write(src, 'shrinks.txt', 'a'.repeat(1000));
    write(src, 'stays.txt', 'b'.repeat(1000));
    const dest = join(tmp.path, 'shrink-dest');
    for (const compress of [false, true]) {
      write(src, 'shrinks.txt', 'a'.repeat(1000));
      rmSync(dest, { recursive: true, force: true });
      const pair = createChannelPair();
      // The receiver's request is the moment between listing and reading.
      const receiverSide: SyncChannel = {
        send: async (msg) => {
          if (msg.t === 'need-whole') truncateSync(join(src, 'shrinks.txt'), 10);
          return pair.b.send(msg);
        },
        [Symbol.asyncIterator]: () => pair.b[Symbol.asyncIterator](),
        close: (err) => pair.b.close(err),
      };
      await Promise.all([sendTree(src, pair.a, { ignoreRules: false, compress }), receiveTree(dest, receiverSide)]);
      expect(readFileSync(join(dest, 'shrinks.txt'), 'utf8')).toBe('a'.repeat(10));
      expect(readFileSync(join(dest, 'stays.txt'), 'utf8')).toBe('b'.repeat(1000));
    }
  });

  it('leaves no temporary files or staging directories after cleanup of an interrupted run', () => {
    const dest = dir('leftovers/dest');
    write(dest, 'keep.txt', 'kept');
    write(dest, 'sub/.happier-tmp-0123456789ab-7', 'half a file');
    mkdirSync(join(tmp.path, 'leftovers/dest.happier-staging-0123456789ab/x'), { recursive: true });
    const r = cleanupSyncLeftovers(dest);
    expect(r.removedTempFiles).toHaveLength(1);
    expect(r.removedStagingDirs).toHaveLength(1);
    expect(readdirSync(join(tmp.path, 'leftovers'))).toEqual(['dest']);
    expect(readdirSync(join(dest, 'sub'))).toEqual([]);
  });
});
