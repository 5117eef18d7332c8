/**
 * Whether a provider process is writing a session right now, which blocks a takeover.
 * The facts come through a ProcessProbe (on Linux, /proc); the rule is here, so it can be
 * tested with a made-up process table.
 */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: readonly string[];
}

export interface ProcessProbe {
  /** False where processes cannot be listed (not Linux): the rule then falls back to the file's mtime. */
  readonly canListProcesses: boolean;
  readonly selfPid: number;
  list(): ProcessInfo[];
  /** Paths of the files a process has open; empty when that cannot be read (another user's process). */
  openFiles(pid: number): string[];
  /** Whether a process with this id exists; works where processes cannot be listed too. */
  isAlive(pid: number): boolean;
}

export interface LiveWriter {
  readonly pid: number | null;
  readonly reason: 'provider-record' | 'command-line' | 'open-file' | 'recent-write';
  readonly command: string | null;
}

export interface WriterTarget {
  readonly vendorSessionId: string;
  /** The file the provider writes, when it has one of its own (not a shared database). */
  readonly transcriptPath: string | null;
  readonly mtimeMs: number | null;
  /** Process ids the provider records as running the session (a crash can leave a stale one). */
  readonly claimedPids?: readonly number[];
}

/** Without a process table, a file written this recently is taken as being written. */
export const RECENT_WRITE_MS = 5000;

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Other happier commands name vendor ids in their argv too; they are not the provider. */
function isHappier(cmdline: readonly string[]): boolean {
  return cmdline.slice(0, 3).some((a) => basename(a) === 'happier' || basename(a) === 'happier.mjs');
}

function ancestors(procs: readonly ProcessInfo[], self: number): Set<number> {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const out = new Set<number>([self]);
  for (let p = byPid.get(self); p && p.ppid > 0 && !out.has(p.ppid); p = byPid.get(p.ppid)) out.add(p.ppid);
  return out;
}

export function findLiveWriter(probe: ProcessProbe, target: WriterTarget, nowMs: number): LiveWriter | null {
  for (const pid of target.claimedPids ?? []) {
    if (pid !== probe.selfPid && probe.isAlive(pid)) return { pid, reason: 'provider-record', command: null };
  }
  if (!probe.canListProcesses) {
    if (target.mtimeMs !== null && nowMs - target.mtimeMs < RECENT_WRITE_MS) {
      return { pid: null, reason: 'recent-write', command: null };
    }
    return null;
  }
  const procs = probe.list();
  const mine = ancestors(procs, probe.selfPid);
  const candidates = procs.filter((p) => !mine.has(p.pid) && !isHappier(p.cmdline));
  const id = target.vendorSessionId.toLowerCase();
  for (const p of candidates) {
    if (p.cmdline.some((a) => a.toLowerCase().includes(id))) {
      return { pid: p.pid, reason: 'command-line', command: p.cmdline.join(' ') };
    }
  }
  if (target.transcriptPath) {
    for (const p of candidates) {
      if (probe.openFiles(p.pid).includes(target.transcriptPath)) {
        return { pid: p.pid, reason: 'open-file', command: p.cmdline.join(' ') };
      }
    }
  }
  return null;
}
