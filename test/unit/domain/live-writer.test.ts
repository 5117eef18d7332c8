import { describe, expect, it } from 'vitest';
import { findLiveWriter, RECENT_WRITE_MS, type ProcessInfo, type ProcessProbe } from '../../../src/domain/live-writer.js';

const ID = '0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e';
const PATH = '/home/dev/.claude/projects/-w/0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e.jsonl';

function probe(procs: ProcessInfo[], files: Record<number, string[]> = {}, selfPid = 100): ProcessProbe {
  return {
    canListProcesses: true,
    selfPid,
    list: () => procs,
    openFiles: (pid) => files[pid] ?? [],
    isAlive: (pid) => procs.some((p) => p.pid === pid),
  };
}
const target = { vendorSessionId: ID, transcriptPath: PATH, mtimeMs: 0 };

describe('findLiveWriter', () => {
  it('finds a provider process that names the session on its command line', () => {
    const p = probe([
      { pid: 1, ppid: 0, cmdline: ['/sbin/init'] },
      { pid: 42, ppid: 1, cmdline: ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js', '--resume', ID.toUpperCase()] },
    ]);
    expect(findLiveWriter(p, target, 0)).toEqual({ pid: 42, reason: 'command-line', command: expect.stringContaining('--resume') });
  });

  it('finds a process that holds the transcript open', () => {
    const p = probe([{ pid: 7, ppid: 1, cmdline: ['codex'] }], { 7: ['/dev/null', PATH] });
    expect(findLiveWriter(p, target, 0)).toMatchObject({ pid: 7, reason: 'open-file' });
  });

  it('ignores happier itself, its parents, and other happier commands naming the id', () => {
    const p = probe([
      { pid: 50, ppid: 1, cmdline: ['bash', '-c', `happier direct takeover ${ID}`] },
      { pid: 100, ppid: 50, cmdline: ['node', '/usr/bin/happier', 'direct', 'takeover', ID] },
      { pid: 101, ppid: 1, cmdline: ['node', '/opt/happier/bin/happier', 'direct', 'show', ID] },
    ]);
    expect(findLiveWriter(p, target, 0)).toBeNull();
  });

  it('without a process table, takes a file written in the last seconds as live', () => {
    const none: ProcessProbe = { canListProcesses: false, selfPid: 1, list: () => [], openFiles: () => [], isAlive: () => false };
    const now = 1_000_000;
    expect(findLiveWriter(none, { ...target, mtimeMs: now - 1000 }, now)).toEqual({ pid: null, reason: 'recent-write', command: null });
    expect(findLiveWriter(none, { ...target, mtimeMs: now - RECENT_WRITE_MS - 1 }, now)).toBeNull();
    expect(findLiveWriter(none, { ...target, mtimeMs: null }, now)).toBeNull();
  });

  it("trusts the provider's own record of a running process, only while that process lives", () => {
    const p = probe([{ pid: 9, ppid: 1, cmdline: ['claude'] }]);
    expect(findLiveWriter(p, { ...target, claimedPids: [9] }, 0)).toEqual({ pid: 9, reason: 'provider-record', command: null });
    expect(findLiveWriter(p, { ...target, claimedPids: [12345] }, 0)).toBeNull();
  });
});
