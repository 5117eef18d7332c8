import { runsProvider, type ProviderExecutables } from './provider-process.js';

/**
 * Whether a provider process is writing a session right now, which blocks a takeover or a
 * handoff. The facts come through a ProcessProbe (on Linux, /proc); the rule is here, over
 * a snapshot of the process table, so it can be tested with a made-up one.
 *
 * A live writer is a process on this machine, of this user, that runs the session's
 * provider (by its executable, see provider-process.ts) and holds the session:
 * - the provider's own record names it as running the session (Claude's sessions/<pid>.json);
 * - or its argv names the session id as an argument of its own (`--resume <id>`, `--session=<id>`);
 * - or it has the session's transcript open for writing;
 * - or, where the provider keeps every session in one store (OpenCode's database) and so
 *   nothing else can tell, it runs in the session's directory naming no session at all: it
 *   may be writing this one, and may switch to it from its own UI.
 * Readers (tail -f, less, an editor), ssh or happier commands naming the id, and other
 * users' processes never count: none of them runs the provider.
 */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** The real uid, or null where it cannot be read. */
  readonly uid: number | null;
  /** The resolved executable, or null where it cannot be read (another user's process, a kernel thread). */
  readonly exe: string | null;
  readonly cwd: string | null;
  readonly cmdline: readonly string[];
}

export interface ProcessProbe {
  /** False where processes cannot be listed (not Linux): the rule then falls back to the file's mtime. */
  readonly canListProcesses: boolean;
  readonly selfPid: number;
  readonly selfUid: number | null;
  list(): ProcessInfo[];
  /** Paths a process has open with O_WRONLY, O_RDWR or O_APPEND; empty when that cannot be read. */
  filesOpenForWriting(pid: number): string[];
  /** Whether a process with this id exists; works where processes cannot be listed too. */
  isAlive(pid: number): boolean;
}

export type WriterReason = 'provider-record' | 'command-line' | 'open-for-write' | 'session-cwd' | 'recent-write';

export interface LiveWriter {
  readonly pid: number | null;
  readonly reason: WriterReason;
  readonly command: string | null;
}

export interface WriterTarget {
  readonly provider: ProviderExecutables;
  /** The provider's id shape, to tell a process that names another session from one that names none. */
  readonly isVendorId: (arg: string) => boolean;
  readonly vendorSessionId: string;
  /** The session's directory as recorded, and resolved (the kernel reports a process's cwd resolved). */
  readonly cwds: readonly string[];
  /** The file the provider writes, when it has one of its own (not a shared database). */
  readonly transcriptPath: string | null;
  readonly mtimeMs: number | null;
  /** Process ids the provider records as running the session (a crash can leave a stale one). */
  readonly claimedPids?: readonly number[];
}

export interface ProcessSnapshot extends ProcessInfo {
  readonly writing: readonly string[];
}

export interface Self {
  readonly pid: number;
  readonly uid: number | null;
}

/** Without a process table, a file written this recently is taken as being written. */
export const RECENT_WRITE_MS = 5000;

/** The session ids an argv names, each as an argument (`<id>` or `--flag=<id>`), lower-cased. */
function sessionArgs(cmdline: readonly string[], isVendorId: (arg: string) => boolean): string[] {
  const out: string[] = [];
  for (const arg of cmdline.slice(1)) {
    const value = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (isVendorId(value)) out.push(value.toLowerCase());
  }
  return out;
}

function holding(p: ProcessSnapshot, target: WriterTarget, claimed: boolean): WriterReason | null {
  if (claimed) return 'provider-record';
  const named = sessionArgs(p.cmdline, target.isVendorId);
  if (named.includes(target.vendorSessionId.toLowerCase())) return 'command-line';
  if (target.transcriptPath !== null && p.writing.includes(target.transcriptPath)) return 'open-for-write';
  if (target.transcriptPath === null && named.length === 0 && p.cwd !== null && target.cwds.includes(p.cwd)) return 'session-cwd';
  return null;
}

/** The rule itself, over a snapshot of this machine's processes. */
export function liveWriterIn(procs: readonly ProcessSnapshot[], self: Self, target: WriterTarget): LiveWriter | null {
  const claimed = new Set(target.claimedPids ?? []);
  const found: { p: ProcessSnapshot; reason: WriterReason }[] = [];
  for (const p of procs) {
    if (p.pid === self.pid || p.uid === null || p.uid !== self.uid) continue;
    if (!runsProvider(p, target.provider)) continue;
    const reason = holding(p, target, claimed.has(p.pid));
    if (reason) found.push({ p, reason });
  }
  // The strongest evidence names the process; order of the table does not.
  const order: WriterReason[] = ['provider-record', 'command-line', 'open-for-write', 'session-cwd'];
  found.sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason) || a.p.pid - b.p.pid);
  const first = found[0];
  return first ? { pid: first.p.pid, reason: first.reason, command: first.p.cmdline.join(' ') } : null;
}

/** Reads the facts the rule needs through the probe; file descriptors only of provider processes. */
export function findLiveWriter(probe: ProcessProbe, target: WriterTarget, nowMs: number): LiveWriter | null {
  if (!probe.canListProcesses) {
    for (const pid of target.claimedPids ?? []) {
      if (pid !== probe.selfPid && probe.isAlive(pid)) return { pid, reason: 'provider-record', command: null };
    }
    if (target.mtimeMs !== null && nowMs - target.mtimeMs < RECENT_WRITE_MS) {
      return { pid: null, reason: 'recent-write', command: null };
    }
    return null;
  }
  const self = { pid: probe.selfPid, uid: probe.selfUid };
  const snapshot = probe.list().map((p): ProcessSnapshot => {
    const mayWrite = target.transcriptPath !== null && p.uid === self.uid && p.pid !== self.pid && runsProvider(p, target.provider);
    return { ...p, writing: mayWrite ? probe.filesOpenForWriting(p.pid) : [] };
  });
  return liveWriterIn(snapshot, self, target);
}
