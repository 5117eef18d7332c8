import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procProcessProbe, writableFlags } from '../../../src/providers/proc-process-probe.js';
import { tempDir } from '../../helpers/temp-dir.js';

// A /proc laid out as Linux lays it out, so every field the probe reads is pinned here;
// the integration test of takeover reads the real one.
const dir = tempDir('happier-proc-');
afterAll(() => dir.cleanup());

function fakeProc(pid: number, p: { uid: number; exe?: string; cwd?: string; cmdline: string[]; fds?: Record<number, [string, string]> }) {
  const d = join(dir.path, String(pid));
  mkdirSync(join(d, 'fd'), { recursive: true });
  mkdirSync(join(d, 'fdinfo'), { recursive: true });
  writeFileSync(join(d, 'cmdline'), p.cmdline.join('\0') + '\0');
  writeFileSync(join(d, 'stat'), `${pid} (a (odd) name) S 77 ${pid} ${pid} 0 -1`);
  writeFileSync(join(d, 'status'), `Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t${p.uid}\t${p.uid + 5}\t${p.uid}\t${p.uid}\n`);
  if (p.exe) symlinkSync(p.exe, join(d, 'exe'));
  if (p.cwd) symlinkSync(p.cwd, join(d, 'cwd'));
  for (const [fd, [target, flags]] of Object.entries(p.fds ?? {})) {
    symlinkSync(target, join(d, 'fd', fd));
    writeFileSync(join(d, 'fdinfo', fd), `pos:\t0\nflags:\t${flags}\nmnt_id:\t25\nino:\t1\n`);
  }
}

mkdirSync(join(dir.path, 'self'), { recursive: true });
writeFileSync(join(dir.path, 'self', 'cmdline'), 'node\0');
fakeProc(42, {
  uid: 1000,
  exe: '/usr/bin/claude',
  cwd: '/home/dev/project',
  cmdline: ['claude', '--resume', 'x'],
  fds: {
    0: ['/dev/pts/1', '0100002'],
    3: ['/h/t.jsonl', '02102001'], // O_WRONLY|O_APPEND|O_CLOEXEC, as Codex holds its rollout
    4: ['/h/read.jsonl', '02100000'], // O_RDONLY|O_CLOEXEC, as tail -f holds a file
    5: ['/h/rw.db', '0100002'], // O_RDWR
    6: ['socket:[123]', '02'],
  },
});
fakeProc(43, { uid: 0, cmdline: ['sshd: root'] });

describe('procProcessProbe over a /proc tree', () => {
  const probe = procProcessProbe(dir.path, 1, 1000);

  it('lists pid, parent, real uid, executable, cwd and argv', () => {
    const byPid = new Map(probe.list().map((p) => [p.pid, p]));
    expect(byPid.get(42)).toEqual({ pid: 42, ppid: 77, uid: 1000, exe: '/usr/bin/claude', cwd: '/home/dev/project', cmdline: ['claude', '--resume', 'x'] });
    // Another user's process: exe and cwd cannot be read, the rest can.
    expect(byPid.get(43)).toEqual({ pid: 43, ppid: 77, uid: 0, exe: null, cwd: null, cmdline: ['sshd: root'] });
    expect(probe.selfUid).toBe(1000);
  });

  it('reports only files open for writing, never read-only ones or sockets', () => {
    expect(probe.filesOpenForWriting(42).sort()).toEqual(['/dev/pts/1', '/h/rw.db', '/h/t.jsonl']);
    expect(probe.filesOpenForWriting(43)).toEqual([]);
    expect(probe.filesOpenForWriting(999)).toEqual([]);
  });
});

describe('writableFlags', () => {
  it('reads the octal flags of an fdinfo', () => {
    expect(writableFlags('pos:\t0\nflags:\t0100000\n')).toBe(false);
    expect(writableFlags('pos:\t0\nflags:\t0100001\n')).toBe(true);
    expect(writableFlags('pos:\t0\nflags:\t0102000\n')).toBe(true);
    expect(writableFlags('pos:\t0\n')).toBe(false);
  });
});
