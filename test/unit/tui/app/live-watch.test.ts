import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProviderDataFile, watchForChanges } from '../../../../tui/app/live-watch.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const dir = tempDir('happier-watch-');
afterAll(() => dir.cleanup());

const until = async (check: () => boolean, ms = 3000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (check()) return;
  throw new Error('no change seen');
};

describe('live watching', () => {
  it('reports registry writes and new provider transcripts, and ignores other files', async () => {
    const home = join(dir.path, 'home');
    const root = join(dir.path, 'claude');
    mkdirSync(join(root, 'projects', '-w'), { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'registry.db'), '');
    const seen: string[] = [];
    const stop = await watchForChanges({ registryDir: home, registryFile: 'registry.db', providerRoots: [root] }, (w) => seen.push(w));
    try {
      await new Promise((r) => setTimeout(r, 150));
      writeFileSync(join(home, 'unrelated.log'), 'x');
      writeFileSync(join(root, 'projects', '-w', 'notes.txt'), 'x');
      appendFileSync(join(home, 'registry.db-wal'), 'x');
      await until(() => seen.includes('registry'));
      writeFileSync(join(root, 'projects', '-w', 'abc.jsonl'), '{}\n');
      await until(() => seen.includes('providers'));
      expect(new Set(seen)).toEqual(new Set(['registry', 'providers']));
    } finally {
      await stop();
    }
  });

  it('treats transcripts and provider databases as data, and nothing else', () => {
    expect(['a.jsonl', 'opencode.db', 'opencode.db-wal', 'state.sqlite', 'x.json'].every(isProviderDataFile)).toBe(true);
    expect(['notes.txt', 'snapshot.pack', 'log'].some(isProviderDataFile)).toBe(false);
  });
});
