import { readdirSync, readFileSync } from 'node:fs';

export interface SandboxProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Processes (other than tmux itself) whose environment has HOME set to a sandbox's HOME:
 * what a provider CLI started for that machine and left behind. Linux /proc only.
 */
export function processesOfSandbox(home: string): SandboxProcess[] {
  const needle = `\0HOME=${home}\0`;
  const out: SandboxProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`;
      if (!environ.includes(needle)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      if (/^tmux\b|\/tmux\b/.test(command.split(' ')[0] ?? '')) continue;
      out.push({ pid, command });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** Kills, by pid, whatever a sandbox's CLIs left running. */
export function killSandboxProcesses(home: string): SandboxProcess[] {
  const left = processesOfSandbox(home);
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return left;
}
