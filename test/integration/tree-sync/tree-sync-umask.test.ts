import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syncTreeLocal } from '../../../src/transfer/tree-sync/local-sync.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Issue 13: the user's umask holds for a workspace that arrives, as with cp or rsync
// without -p. A source's 0777 and 0666 never land wider than the receiving user allows.

const tmp = tempDir('happier-umask-');
afterAll(() => tmp.cleanup());
const modeOf = (p: string) => statSync(p).mode & 0o7777;

function source(name: string): string {
  const src = join(tmp.path, name);
  mkdirSync(join(src, 'open-dir'), { recursive: true });
  mkdirSync(join(src, 'private-dir'));
  writeFileSync(join(src, 'open-dir', 'world.txt'), 'w');
  writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n');
  writeFileSync(join(src, 'private-dir', 'key'), 'k');
  writeFileSync(join(src, 'setuid'), 's');
  chmodSync(join(src, 'open-dir', 'world.txt'), 0o666);
  chmodSync(join(src, 'run.sh'), 0o777);
  chmodSync(join(src, 'private-dir', 'key'), 0o600);
  chmodSync(join(src, 'setuid'), 0o4755);
  chmodSync(join(src, 'private-dir'), 0o700);
  chmodSync(join(src, 'open-dir'), 0o777);
  chmodSync(src, 0o777);
  return src;
}

describe('modes of a synced tree under the receiving umask', () => {
  it.each([
    [0o022, { root: 0o755, openDir: 0o755, world: 0o644, run: 0o755, key: 0o600, privateDir: 0o700, setuid: 0o755 }],
    [0o077, { root: 0o700, openDir: 0o700, world: 0o600, run: 0o700, key: 0o600, privateDir: 0o700, setuid: 0o700 }],
    [0o002, { root: 0o775, openDir: 0o775, world: 0o664, run: 0o775, key: 0o600, privateDir: 0o700, setuid: 0o755 }],
  ])('umask %o: the source bits minus the umask, never setuid', async (umask, want) => {
    const src = source(`src-${umask.toString(8)}`);
    const dest = join(tmp.path, `dest-${umask.toString(8)}`);
    await syncTreeLocal(src, dest, { send: { ignoreRules: false }, receive: { umask } });
    expect({
      root: modeOf(dest),
      openDir: modeOf(join(dest, 'open-dir')),
      world: modeOf(join(dest, 'open-dir', 'world.txt')),
      run: modeOf(join(dest, 'run.sh')),
      key: modeOf(join(dest, 'private-dir', 'key')),
      privateDir: modeOf(join(dest, 'private-dir')),
      setuid: modeOf(join(dest, 'setuid')),
    }).toEqual(want);

    // A re-sync into the existing tree keeps to the same rule for a file whose bits changed.
    chmodSync(join(src, 'private-dir', 'key'), 0o666);
    await syncTreeLocal(src, dest, { send: { ignoreRules: false }, receive: { umask } });
    expect(modeOf(join(dest, 'private-dir', 'key'))).toBe(0o666 & ~umask);
  });

  it("takes this process's umask when none is given", async () => {
    const src = source('src-default');
    const dest = join(tmp.path, 'dest-default');
    await syncTreeLocal(src, dest, { send: { ignoreRules: false } });
    const umask = process.umask();
    expect(modeOf(join(dest, 'run.sh'))).toBe(0o777 & ~umask);
    expect(modeOf(join(dest, 'open-dir', 'world.txt'))).toBe(0o666 & ~umask);
  });
});
