import { describe, expect, it } from 'vitest';
import {
  findLiveWriter,
  liveWriterIn,
  RECENT_WRITE_MS,
  type ProcessInfo,
  type ProcessProbe,
  type ProcessSnapshot,
  type WriterTarget,
} from '../../../src/domain/live-writer.js';
import { claudeExecutables } from '../../../src/providers/claude/claude-executables.js';
import { opencodeExecutables } from '../../../src/providers/opencode/opencode-executables.js';

const ID = '0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e';
const OTHER = '11111111-2222-4333-8444-555555555555';
const CWD = '/home/dev/project';
const PATH = '/home/dev/.claude/projects/-home-dev-project/0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e.jsonl';
const UID = 1000;
const self = { pid: 100, uid: UID };
const uuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

const claudeTarget: WriterTarget = {
  provider: { ...claudeExecutables, paths: [] },
  isVendorId: uuid,
  vendorSessionId: ID,
  cwds: [CWD],
  transcriptPath: PATH,
  mtimeMs: 0,
};

const CLAUDE_EXE = '/home/dev/.local/share/claude/versions/2.1.197';
const NODE = '/usr/local/bin/node';

function proc(pid: number, exe: string | null, cmdline: string[], more: Partial<ProcessSnapshot> = {}): ProcessSnapshot {
  return { pid, ppid: 1, uid: UID, exe, cwd: CWD, cmdline, writing: [], ...more };
}

describe('liveWriterIn: who counts as writing a session', () => {
  it('a tail -f or less reading the transcript is not a writer', () => {
    const procs = [proc(7, '/usr/bin/tail', ['tail', '-f', PATH]), proc(8, '/usr/bin/less', ['less', PATH])];
    expect(liveWriterIn(procs, self, claudeTarget)).toBeNull();
  });

  it('an ssh client or shell whose argv names the id is not a writer', () => {
    const procs = [
      proc(9, '/usr/bin/ssh', ['ssh', 'mb', 'happier', 'direct', 'takeover', ID]),
      proc(10, '/usr/bin/bash', ['bash', '-c', `happier direct takeover ${ID}`]),
      // `node -e` runs inline code; words after it are not a script, however they are named.
      proc(11, NODE, ['node', '-e', 'setTimeout(()=>{},1e5)', 'claude', '--resume', ID]),
    ];
    expect(liveWriterIn(procs, self, claudeTarget)).toBeNull();
  });

  it('happier itself, and other happier commands naming the id, are not writers', () => {
    const procs = [
      proc(100, NODE, ['node', '/usr/lib/node_modules/happier/dist/happier.mjs', 'direct', 'takeover', ID]),
      proc(101, NODE, ['node', '/opt/happier/bin/happier', 'direct', 'show', ID]),
    ];
    expect(liveWriterIn(procs, self, claudeTarget)).toBeNull();
  });

  it('a provider process resuming the session by its argv is a writer', () => {
    const procs = [proc(1, '/sbin/init', ['/sbin/init'], { uid: 0 }), proc(42, CLAUDE_EXE, ['claude', '--resume', ID.toUpperCase()])];
    expect(liveWriterIn(procs, self, claudeTarget)).toEqual({ pid: 42, reason: 'command-line', command: `claude --resume ${ID.toUpperCase()}` });
  });

  it('counts the id only as an argument of its own, `--flag=<id>` included', () => {
    const prose = proc(43, CLAUDE_EXE, ['claude', '-p', `summarize session ${ID}`]);
    expect(liveWriterIn([prose], self, claudeTarget)).toBeNull();
    const eq = proc(44, NODE, ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js', `--resume=${ID}`]);
    expect(liveWriterIn([eq], self, claudeTarget)).toMatchObject({ pid: 44, reason: 'command-line' });
  });

  it('a provider process holding the transcript open for writing is a writer', () => {
    const procs = [proc(7, '/usr/bin/tail', ['tail', '-f', PATH]), proc(50, CLAUDE_EXE, ['claude'], { writing: ['/dev/pts/1', PATH] })];
    expect(liveWriterIn(procs, self, claudeTarget)).toMatchObject({ pid: 50, reason: 'open-for-write' });
  });

  it('a provider running another session is not a writer of this one', () => {
    const procs = [proc(51, CLAUDE_EXE, ['claude', '--resume', OTHER], { writing: ['/home/dev/.claude/projects/-home-dev-project/other.jsonl'] })];
    expect(liveWriterIn(procs, self, claudeTarget)).toBeNull();
  });

  it("another user's provider process never counts, even resuming the same id", () => {
    const procs = [proc(60, CLAUDE_EXE, ['claude', '--resume', ID], { uid: 1001, writing: [PATH] }), proc(61, null, ['claude', '--resume', ID], { uid: null })];
    expect(liveWriterIn(procs, self, claudeTarget)).toBeNull();
  });

  it("trusts the provider's own record only for a live provider process", () => {
    const procs = [proc(9, CLAUDE_EXE, ['claude']), proc(12, '/usr/bin/vim', ['vim'])];
    expect(liveWriterIn(procs, self, { ...claudeTarget, claimedPids: [9] })).toEqual({ pid: 9, reason: 'provider-record', command: 'claude' });
    // A stale record whose pid now belongs to something else, or to nothing.
    expect(liveWriterIn(procs, self, { ...claudeTarget, claimedPids: [12, 12345] })).toBeNull();
  });

  it('reports the strongest evidence first, whatever the table order', () => {
    const procs = [proc(70, CLAUDE_EXE, ['claude'], { writing: [PATH] }), proc(80, CLAUDE_EXE, ['claude', '-r', ID])];
    expect(liveWriterIn(procs, self, claudeTarget)).toMatchObject({ pid: 80, reason: 'command-line' });
  });

  describe('a provider that keeps every session in one store (OpenCode)', () => {
    const oc: WriterTarget = {
      provider: { ...opencodeExecutables, paths: [] },
      isVendorId: (s) => /^ses_[A-Za-z0-9]+$/.test(s),
      vendorSessionId: 'ses_abc123',
      cwds: [CWD, '/srv/real/project'],
      transcriptPath: null,
      mtimeMs: null,
    };
    const OC = '/home/dev/.npm-global/lib/node_modules/opencode-ai/bin/opencode.exe';

    it('counts one in the session directory naming no session: it may be writing this one', () => {
      expect(liveWriterIn([proc(90, OC, ['opencode'], { cwd: '/srv/real/project' })], self, oc)).toMatchObject({ pid: 90, reason: 'session-cwd' });
    });

    it('not one elsewhere, or one naming another session', () => {
      const procs = [proc(91, OC, ['opencode'], { cwd: '/tmp' }), proc(92, OC, ['opencode', '--session', 'ses_other9'])];
      expect(liveWriterIn(procs, self, oc)).toBeNull();
    });

    it('a reader of its database in that directory is not a writer', () => {
      expect(liveWriterIn([proc(93, '/usr/bin/sqlite3', ['sqlite3', 'opencode.db'])], self, oc)).toBeNull();
    });
  });
});

describe('findLiveWriter: reading through the probe', () => {
  function probe(procs: ProcessInfo[], writing: Record<number, string[]> = {}): ProcessProbe & { asked: number[] } {
    const asked: number[] = [];
    return {
      canListProcesses: true,
      selfPid: self.pid,
      selfUid: self.uid,
      list: () => procs,
      filesOpenForWriting: (pid) => {
        asked.push(pid);
        return writing[pid] ?? [];
      },
      isAlive: (pid) => procs.some((p) => p.pid === pid),
      asked,
    };
  }
  const info = (pid: number, exe: string, cmdline: string[], uid = UID): ProcessInfo => ({ pid, ppid: 1, uid, exe, cwd: CWD, cmdline });

  it('reads open files only of own provider processes', () => {
    const p = probe(
      [info(7, '/usr/bin/tail', ['tail', '-f', PATH]), info(50, CLAUDE_EXE, ['claude']), info(60, CLAUDE_EXE, ['claude'], 1001)],
      { 7: [PATH], 50: [PATH], 60: [PATH] },
    );
    expect(findLiveWriter(p, claudeTarget, 0)).toMatchObject({ pid: 50, reason: 'open-for-write' });
    expect(p.asked).toEqual([50]);
  });

  it('without a process table, takes a live claimed pid or a file written in the last seconds as live', () => {
    const none: ProcessProbe = { canListProcesses: false, selfPid: 1, selfUid: null, list: () => [], filesOpenForWriting: () => [], isAlive: (pid) => pid === 9 };
    const now = 1_000_000;
    expect(findLiveWriter(none, { ...claudeTarget, claimedPids: [9] }, now)).toEqual({ pid: 9, reason: 'provider-record', command: null });
    expect(findLiveWriter(none, { ...claudeTarget, mtimeMs: now - 1000 }, now)).toEqual({ pid: null, reason: 'recent-write', command: null });
    expect(findLiveWriter(none, { ...claudeTarget, mtimeMs: now - RECENT_WRITE_MS - 1 }, now)).toBeNull();
    expect(findLiveWriter(none, { ...claudeTarget, mtimeMs: null }, now)).toBeNull();
  });
});
