import { readFileSync } from 'node:fs';

/** A process as the journal remembers it: its pid, and its start time where the OS tells (Linux). */
export interface ProcessMark {
  readonly pid: number;
  readonly start: string | null;
}

function startOf(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function thisProcess(): ProcessMark {
  return { pid: process.pid, start: startOf(process.pid) };
}

/**
 * Whether the process that wrote a journal entry still runs: a handoff in flight in
 * another happier process must not be "recovered" under its feet. The start time guards
 * against a recycled pid.
 */
export function stillRunning(mark: ProcessMark | undefined): boolean {
  if (!mark || !Number.isInteger(mark.pid) || mark.pid <= 0) return false;
  try {
    process.kill(mark.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (mark.start === null) return true;
  return startOf(mark.pid) === mark.start;
}
