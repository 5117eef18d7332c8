import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessInfo, ProcessProbe } from '../domain/live-writer.js';

/** Reads the process table from /proc (Linux). Elsewhere it reports that it cannot. */
export function procProcessProbe(procRoot = '/proc', selfPid = process.pid): ProcessProbe {
  return {
    canListProcesses: existsSync(join(procRoot, 'self', 'cmdline')),
    selfPid,
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
        try {
          const cmdline = readFileSync(join(procRoot, name, 'cmdline'), 'utf8').split('\0');
          if (cmdline.at(-1) === '') cmdline.pop();
          const stat = readFileSync(join(procRoot, name, 'stat'), 'utf8');
          // The command name in parentheses may itself contain spaces and parentheses.
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          out.push({ pid: Number(name), ppid: Number.isFinite(ppid) ? ppid : 0, cmdline });
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
    openFiles(pid: number): string[] {
      const dir = join(procRoot, String(pid), 'fd');
      let fds: string[];
      try {
        fds = readdirSync(dir);
      } catch {
        return [];
      }
      const out: string[] = [];
      for (const fd of fds) {
        try {
          out.push(readlinkSync(join(dir, fd)));
        } catch {
          // closed meanwhile
        }
      }
      return out;
    },
  };
}
