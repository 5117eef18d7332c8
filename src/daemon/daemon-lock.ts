import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const DAEMON_PID_FILE = 'daemon.pid';

export interface DaemonRecord {
  readonly pid: number;
  readonly startedAt: string;
  readonly url: string;
}

/** Whether a pid is a live process; injected so the rule can be tested without one. */
export type IsAlive = (pid: number) => boolean;

export const processAlive: IsAlive = (pid) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Where /proc exists: a killed daemon nobody reaped yet is a zombie, and after a reboot
  // the pid may belong to another program; neither holds the lock.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/s.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('daemon');
  } catch {
    return true;
  }
};

export function readDaemon(home: string, alive: IsAlive = processAlive): DaemonRecord | undefined {
  let rec: DaemonRecord;
  try {
    rec = JSON.parse(readFileSync(join(home, DAEMON_PID_FILE), 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
  return Number.isInteger(rec.pid) && rec.pid > 0 && alive(rec.pid) ? rec : undefined;
}

/**
 * One daemon per HAPPIER_HOME: the pid file is created exclusively (0600). A file left by
 * a daemon that died (a reboot, a kill -9) names a dead pid and is taken over.
 */
export function acquireDaemonLock(home: string, rec: DaemonRecord, alive: IsAlive = processAlive): { acquired: true } | { acquired: false; holder: DaemonRecord } {
  const path = join(home, DAEMON_PID_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(rec) + '\n');
      closeSync(fd);
      return { acquired: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readDaemon(home, alive);
      if (holder) return { acquired: false, holder };
      rmSync(path, { force: true });
    }
  }
  const holder = readDaemon(home, alive);
  if (holder) return { acquired: false, holder };
  throw new Error(`could not take the daemon lock ${path}`);
}

/** Removes the pid file only if it is still this process's. */
export function releaseDaemonLock(home: string, pid: number): void {
  const path = join(home, DAEMON_PID_FILE);
  try {
    if ((JSON.parse(readFileSync(path, 'utf8')) as DaemonRecord).pid === pid) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
}
