import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { DirectSession } from '../../../src/domain/session.js';
import { formatDirectTable, humanSize } from '../../../src/cli/output/direct-table.js';

const s = (over: Partial<DirectSession>): DirectSession => ({
  agent: 'claude',
  vendorSessionId: '0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e',
  cwd: '/home/dev/projects/a very long project folder name/packages/core',
  title: 'refactor the session browser so that it keeps the selection by id',
  updatedAt: '2026-11-22T11:57:00.000Z',
  sizeBytes: 1_500_000,
  messageCount: 42,
  path: '/x',
  ...over,
});

describe('formatDirectTable', () => {
  const opts = { now: new Date('2026-11-22T12:00:00.000Z'), home: '/home/dev', chalk: new Chalk({ level: 0 }) };

  it('fits the width by shrinking title and path, never the vendor id', () => {
    const out = formatDirectTable([{ session: s({}), takenOver: '5a7d4e8b-0000-4000-8000-000000000000' }, { session: s({ title: '\x1b[31mred' }), takenOver: null }], { ...opts, width: 110 });
    const lines = out.trimEnd().split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(110);
    expect(lines[1]).toContain('0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e');
    expect(lines[1]).toMatch(/claude\s+0b7f3c2e\S+\s+3m ago\s+42\s+1\.4 MiB\s+5a7d4e8b\s+refactor/);
    expect(lines[1]).toContain('…');
    expect(lines[2]).not.toContain('\x1b');
    expect(lines[2]).toMatch(/\s-\s/);
  });

  it('keeps everything on an unbounded width (a pipe)', () => {
    const out = formatDirectTable([{ session: s({}), takenOver: null }], { ...opts, width: null });
    expect(out).toContain('~/projects/a very long project folder name/packages/core');
  });
});

describe('humanSize', () => {
  it('uses the largest sensible unit', () => {
    expect([humanSize(0), humanSize(1023), humanSize(1024), humanSize(15 * 1024), humanSize(3 * 1024 ** 3)]).toEqual(['0 B', '1023 B', '1.0 KiB', '15 KiB', '3.0 GiB']);
  });
});
