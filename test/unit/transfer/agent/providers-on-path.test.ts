import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { providersOnPath } from '../../../../src/transfer/agent/providers-on-path.js';

const dir = mkdtempSync(join(tmpdir(), 'happier-providers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exe(name: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\n');
  chmodSync(p, mode);
  return p;
}

describe('providers a peer reports in its hello', () => {
  it('finds executables on PATH and honours the HAPPIER_*_BIN overrides', () => {
    exe('claude');
    exe('opencode', 0o644);
    const fakeCodex = exe('my-codex');
    expect(providersOnPath({ PATH: `/nonexistent:${dir}` })).toEqual(['claude']);
    expect(providersOnPath({ PATH: dir, HAPPIER_CODEX_BIN: fakeCodex })).toEqual(['claude', 'codex']);
    expect(providersOnPath({ PATH: dir, HAPPIER_CLAUDE_BIN: join(dir, 'missing') })).toEqual([]);
  });
});
