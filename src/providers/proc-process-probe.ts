import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessInfo, ProcessProbe } from '../domain/live-writer.js';

// Open-file flags as /proc/<pid>/fdinfo/<fd> prints them (octal), from Linux's asm-generic/fcntl.h.
const O_WRONLY = 0o1;
const O_RDWR = 0o2;
const O_APPEND = 0o2000;

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** The real uid from `Uid:\treal\teffective\tsaved\tfs`. */
function realUid(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** Whether the fd's flags let it write; false when they cannot be read. */
export function writableFlags(fdinfo: string): boolean {
  const m = /^flags:\s+([0-7]+)/m.exec(fdinfo);
  if (!m) return false;
  const flags = parseInt(m[1]!, 8);
  return (flags & (O_WRONLY | O_RDWR | O_APPEND)) !== 0;
}

/** Reads the process table from /proc (Linux). Elsewhere it reports that it cannot. */
export function procProcessProbe(procRoot = '/proc', selfPid = process.pid, selfUid = process.getuid?.() ?? null): ProcessProbe {
  return {
    canListProcesses: existsSync(join(procRoot, 'self', 'cmdline')),
    selfPid,
    selfUid,
    list(): ProcessInfo[] {
      const out: ProcessInfo[] = [];
      let names: string[];
      try {
        names = readdirSync(procRoot);
      } catch {
        return out;
      }
      for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        const dir = join(procRoot, name);
        try {
          const cmdline = readFileSync(join(dir, 'cmdline'), 'utf8').split('\0');
          if (cmdline.at(-1) === '') cmdline.pop();
          const stat = readFileSync(join(dir, 'stat'), 'utf8');
          // The command name in parentheses may itself contain spaces and parentheses.
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          const uid = realUid(readFileSync(join(dir, 'status'), 'utf8'));
          out.push({
            pid: Number(name),
            ppid: Number.isFinite(ppid) ? ppid : 0,
            uid,
            exe: readlinkOrNull(join(dir, 'exe')),
            cwd: readlinkOrNull(join(dir, 'cwd')),
            cmdline,
          });
        } catch {
          // the process ended while we looked
        }
      }
      return out;
    },
    isAlive(pid: number): boolean {
      if (!Number.isSafeInteger(pid) || pid <= 0) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        // EPERM: it exists, it is just not ours.
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    filesOpenForWriting(pid: number): string[] {
      const dir = join(procRoot, String(pid));
      let fds: string[];
      try {
        fds = readdirSync(join(dir, 'fd'));
      } catch {
        return [];
      }
      const out: string[] = [];
      for (const fd of fds) {
        const target = readlinkOrNull(join(dir, 'fd', fd));
        // Pipes, sockets and anon inodes are not files anyone could take over.
        if (target === null || !target.startsWith('/')) continue;
        try {
          if (writableFlags(readFileSync(join(dir, 'fdinfo', fd), 'utf8'))) out.push(target);
        } catch {
          // closed meanwhile
        }
      }
      return out;
    },
  };
}
