import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { HappierError } from '../../../src/domain/errors.js';
import { createChannelPair } from '../../../src/transfer/tree-sync/in-process-channel.js';
import { OpWriter } from '../../../src/transfer/tree-sync/op-stream.js';
import type { EntryRow, SyncChannel, SyncMessage } from '../../../src/transfer/tree-sync/protocol.js';
import { receiveTree } from '../../../src/transfer/tree-sync/receiver.js';
import { sendTree } from '../../../src/transfer/tree-sync/sender.js';
import { syncTreeLocal } from '../../../src/transfer/tree-sync/local-sync.js';
import { cleanupSyncLeftovers } from '../../../src/transfer/tree-sync/sync-leftovers.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { treeSnapshot } from '../../helpers/tree-snapshot.js';

const tmp = tempDir('happier-sync-safety-');
afterAll(() => tmp.cleanup());
let n = 0;

function write(root: string, rel: string, text: string | Buffer = rel): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

const rowsMsg = (rows: unknown[]): SyncMessage => ({ t: 'entries', data: deflateRawSync(Buffer.from(JSON.stringify(rows))) });

/**
 * A hostile sender: sends `rows` as the list, then answers every request with `payload`
 * (or 'AAA' as a plain literal). Returns the receiver's error, or undefined if it accepted.
 */
async function hostile(dest: string, rows: unknown[], payload?: (need: Extract<SyncMessage, { t: 'need' }>) => Buffer): Promise<unknown> {
  const pair = createChannelPair({ encode: true });
  const receiving = receiveTree(dest, pair.b);
  const sender = async (ch: SyncChannel): Promise<void> => {
    await ch.send({ t: 'hello', v: 1, syncId: 'x' });
    await ch.send(rowsMsg(rows));
    await ch.send({ t: 'entries-end', count: rows.length, rootMode: 0o755, rootMtimeMs: 0, skipped: [] });
    for await (const msg of ch) {
      const ids = msg.t === 'need' ? [msg.id] : msg.t === 'need-whole' ? msg.ids : [];
      for (const id of ids) {
        const ops = new OpWriter(false);
        ops.literal(Buffer.from('AAA'));
        const need = msg.t === 'need' ? msg : { t: 'need' as const, id, blockSize: 0, basisSize: 0 };
        await ch.send({ t: 'data', id, data: payload ? payload(need) : ops.take(), end: true });
      }
      if (msg.t === 'done' || msg.t === 'abort') return;
    }
  };
  sender(pair.a).catch(() => undefined);
  try {
    await receiving;
    return undefined;
  } catch (err) {
    return err;
  }
}

function setup(): { dest: string; outside: string; root: string } {
  const root = join(tmp.path, `case-${n++}`);
  const outside = join(root, 'outside');
  mkdirSync(outside, { recursive: true });
  return { dest: join(root, 'dest'), outside, root };
}

const file = (path: string, size = 3): EntryRow => [path, 'f', size, 0, 0o644];
const folder = (path: string): EntryRow => [path, 'd', 0, 0, 0o755];

describe('a hostile sender', () => {
  it.each([
    ['../x', [file('../x')]],
    ['/etc/passwd', [file('/etc/passwd')]],
    ['a/../../x', [folder('a'), file('a/../../x')]],
    ['NUL in a name', [file('a\0b')]],
    ['backslash tricks', [file('a\\..\\..\\x')]],
    ['a file through a symlink it just sent', [['link', 'l', 0, 0, 0o777, '../outside'], file('link/pwned')]],
    ['a file under a parent it never listed', [file('nowhere/pwned')]],
    ['the same path twice', [file('twice'), file('twice')]],
  ])('is refused for %s, and nothing is written anywhere', async (_name, rows) => {
    const { dest, outside, root } = setup();
    const err = await hostile(dest, rows);
    expect(err).toBeInstanceOf(HappierError);
    expect((err as HappierError).code).toBe('UNSAFE_PATH');
    expect((err as HappierError).message).toMatch(/refused path from the peer/);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['outside']);
    expect(existsSync('/etc/passwd') && readFileSync('/etc/passwd', 'utf8').includes('AAA')).toBe(false);
  });

  it('cannot write through a symlink that already sits in the destination', async () => {
    const { dest, outside } = setup();
    mkdirSync(dest);
    symlinkSync(outside, join(dest, 'evil'));
    // Without listing the directory: refused outright.
    const err = await hostile(dest, [file('evil/pwned')]);
    expect((err as HappierError).code).toBe('UNSAFE_PATH');
    // Listing it as a directory replaces the link with a real directory inside the destination.
    expect(await hostile(dest, [folder('evil'), file('evil/pwned')])).toBeUndefined();
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(dest, 'evil/pwned'), 'utf8')).toBe('AAA');
  });

  it('cannot send more bytes than it listed, or copy blocks that do not exist', async () => {
    const a = setup();
    const long = new OpWriter(false);
    long.literal(Buffer.alloc(10, 'x'));
    const e1 = await hostile(a.dest, [file('f', 3)], () => long.take());
    expect((e1 as HappierError).message).toMatch(/longer than its listed size/);
    expect(readdirSync(a.root)).toEqual(['outside']);

    const b = setup();
    const copy = new OpWriter(false);
    copy.copy(5, 1);
    const e2 = await hostile(b.dest, [file('f', 3)], () => copy.take());
    expect((e2 as HappierError).code).toBe('PROTOCOL');
    expect(readdirSync(b.root)).toEqual(['outside']);
  });

  it('cannot exceed the receiver’s limits', async () => {
    const { dest, root } = setup();
    const pair = createChannelPair();
    const receiving = receiveTree(dest, pair.b, { limits: { maxEntries: 10 } });
    const rows = Array.from({ length: 11 }, (_, i) => file(`f${i}`));
    await pair.a.send({ t: 'hello', v: 1, syncId: 'x' });
    await pair.a.send(rowsMsg(rows));
    await expect(receiving).rejects.toThrow(/more than 10 entries/);
    expect(readdirSync(root)).toEqual(['outside']);
  });
});

function md5(p: string): string {
  return createHash('md5').update(readFileSync(p)).digest('hex');
}

describe('verification', () => {
  it('a delta whose result does not hash right is fetched again as a whole file', async () => {
    const { dest } = setup();
    mkdirSync(dest);
    writeFileSync(join(dest, 'f.txt'), 'old content of the file');
    const pair = createChannelPair({ encode: true });
    const receiving = receiveTree(dest, pair.b);
    const ch = pair.a;
    await ch.send({ t: 'hello', v: 1, syncId: 'x' });
    await ch.send(rowsMsg([file('f.txt', 11)]));
    await ch.send({ t: 'entries-end', count: 1, rootMode: 0o755, rootMtimeMs: 0, skipped: [] });
    const needs: string[] = [];
    for await (const msg of ch) {
      const ops = new OpWriter(false);
      ops.literal(Buffer.from('new content'));
      if (msg.t === 'need') {
        needs.push('delta');
        // Right bytes, wrong hash, as a weak+strong collision would produce.
        await ch.send({ t: 'data', id: msg.id, data: ops.take(), end: true, hash: '0'.repeat(32) });
      }
      if (msg.t === 'need-whole') {
        needs.push('whole');
        await ch.send({ t: 'files', ids: msg.ids, lens: [ops.pendingBytes], data: ops.take() });
      }
      if (msg.t === 'done') break;
    }
    const r = await receiving;
    expect(needs).toEqual(['delta', 'whole']);
    expect(r.verifyRetries).toBe(1);
    expect(readFileSync(join(dest, 'f.txt'), 'utf8')).toBe('new content');
    expect(readdirSync(dest)).toEqual(['f.txt']);
  });

  it('a sender refuses a receiver that asks for something that is not a file', async () => {
    const src = join(tmp.path, 'refuse-src');
    write(src, 'a/b.txt', 'b');
    const pair = createChannelPair();
    const sending = sendTree(src, pair.a, { ignoreRules: false });
    const seen: string[] = [];
    try {
      for await (const msg of pair.b) {
        seen.push(msg.t);
        if (msg.t === 'entries-end') await pair.b.send({ t: 'need', id: 0, blockSize: 0, basisSize: 0 });
      }
    } catch {
      // The sender tears the channel down once it has said why.
    }
    await expect(sending).rejects.toThrow(/not a file/);
    expect(seen.at(-1)).toBe('abort');
  });
});

describe('an interrupted sync', () => {
  const src = join(tmp.path, 'cut-src');
  for (let i = 0; i < 120; i++) write(src, `d${i % 7}/file-${i}.txt`, `version one of ${i}\n`.repeat(20 + i));
  write(src, 'big.bin', Buffer.alloc(3_000_000, 1));
  const oldSnap = treeSnapshot(src);

  async function cutSync(dest: string, after: number): Promise<unknown> {
    const pair = createChannelPair({ cutAfterMessages: after, highWaterBytes: 64 * 1024 });
    const r = await Promise.allSettled([sendTree(src, pair.a, { ignoreRules: false }), receiveTree(dest, pair.b)]);
    return r[1].status === 'rejected' ? r[1].reason : undefined;
  }

  /** Messages a whole first copy of `src` takes, so the cuts land inside it. */
  let fullCopyMessages: number | undefined;
  async function messagesOfFullCopy(): Promise<number> {
    if (fullCopyMessages === undefined) {
      const pair = createChannelPair({ highWaterBytes: 64 * 1024 });
      await Promise.all([sendTree(src, pair.a, { ignoreRules: false }), receiveTree(join(tmp.path, 'cut-count'), pair.b)]);
      fullCopyMessages = pair.messageCount();
    }
    return fullCopyMessages;
  }

  it.each([0.05, 0.25, 0.5, 0.75, 0.95])('leaves a new destination absent when cut at %f of the way', async (at) => {
    const total = await messagesOfFullCopy();
    expect(total).toBeGreaterThan(10);
    const after = Math.max(2, Math.floor(total * at));
    const dest = join(tmp.path, `cut-new-${after}`);
    const err = await cutSync(dest, after);
    expect((err as HappierError).code).toBe('TRANSFER_FAILED');
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(tmp.path).filter((x) => x.startsWith(`cut-new-${after}.`))).toEqual([]);
  });

  it('leaves an existing destination with every file either old or new and complete, at any cut point', async () => {
    const dest = join(tmp.path, 'cut-existing');
    await syncTreeLocal(src, dest, { send: { ignoreRules: false } });
    for (let i = 0; i < 120; i += 2) write(src, `d${i % 7}/file-${i}.txt`, `version TWO of ${i}\n`.repeat(10 + i));
    write(src, 'big.bin', Buffer.alloc(3_100_000, 2));
    const newSnap = treeSnapshot(src);
    for (const after of [3, 5, 8, 12, 16]) {
      const err = await cutSync(dest, after);
      expect(err).toBeInstanceOf(HappierError);
      const now = treeSnapshot(dest);
      expect([...now.keys()].filter((k) => k.includes('.happier-tmp-'))).toEqual([]);
      for (const [path, entry] of now) {
        if (entry.type !== 'file') continue;
        expect([oldSnap.get(path)?.content, newSnap.get(path)?.content]).toContain(entry.content);
      }
      expect(now.size).toBe(oldSnap.size);
      expect(cleanupSyncLeftovers(dest).removedTempFiles).toEqual([]);
    }
    await syncTreeLocal(src, dest, { send: { ignoreRules: false } });
    expect(treeSnapshot(dest)).toEqual(newSnap);
    expect(md5(join(dest, 'big.bin'))).toBe(md5(join(src, 'big.bin')));
  });
});
