import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stillRunning, thisProcess } from '../../../src/handoff/process-liveness.js';

describe('whether the process running a handoff still runs', () => {
  it('is true for this process, false for one that exited or a recycled pid', () => {
    const me = thisProcess();
    expect(stillRunning(me)).toBe(true);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(stillRunning({ pid: gone, start: null })).toBe(false);
    expect(stillRunning({ pid: me.pid, start: me.start === null ? null : `${me.start}1` })).toBe(me.start === null);
    expect(stillRunning(undefined)).toBe(false);
  });
});
