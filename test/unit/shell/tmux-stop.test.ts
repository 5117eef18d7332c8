import { describe, expect, it } from 'vitest';
import { runStopPlan, stopPlan, type StopOps } from '../../../shell/tmux/tmux-stop.js';

const quit = [{ key: 'C-c' }, { key: 'C-c' }];

/** A provider that dies after the step named `diesOn` (or never), and a log of what was done to it. */
function fakeOps(diesOn: 'keys' | 'signal' | 'kill' | 'never' | 'already') {
  const log: string[] = [];
  let alive = diesOn !== 'already';
  let elapsed = 0;
  const ops: StopOps = {
    alive: async () => alive,
    sendKeys: async (strokes) => {
      log.push(`keys ${strokes.length}`);
      if (diesOn === 'keys') alive = false;
    },
    signal: async (sig) => {
      log.push(sig);
      if (diesOn === 'signal') alive = false;
    },
    killSession: async () => {
      log.push('kill-session');
      if (diesOn === 'kill') alive = false;
    },
    sleep: async (ms) => {
      elapsed += ms;
    },
  };
  return { ops, log, waited: () => elapsed };
}

describe('stopPlan', () => {
  it('asks the provider first, then interrupts it', () => {
    expect(stopPlan(quit, 2000)).toEqual([
      { kind: 'keys', strokes: quit, waitMs: 2000 },
      { kind: 'signal', signal: 'SIGINT', waitMs: 2000 },
    ]);
  });

  it('goes straight to SIGINT for a provider without quit keys', () => {
    expect(stopPlan([], 500)).toEqual([{ kind: 'signal', signal: 'SIGINT', waitMs: 500 }]);
  });
});

describe('runStopPlan', () => {
  it('stops at the quit keys when the provider leaves', async () => {
    const f = fakeOps('keys');
    expect(await runStopPlan(stopPlan(quit, 1000), f.ops)).toBe('graceful');
    expect(f.log).toEqual(['keys 2']);
    expect(f.waited()).toBe(0);
  });

  it('sends SIGINT after waiting out the quit keys', async () => {
    const f = fakeOps('signal');
    expect(await runStopPlan(stopPlan(quit, 1000), f.ops)).toBe('interrupted');
    expect(f.log).toEqual(['keys 2', 'SIGINT']);
    expect(f.waited()).toBe(1000);
  });

  it('closes the tmux session when nothing polite works', async () => {
    const f = fakeOps('never');
    expect(await runStopPlan(stopPlan(quit, 300), f.ops)).toBe('killed');
    expect(f.log).toEqual(['keys 2', 'SIGINT', 'kill-session']);
    expect(f.waited()).toBe(600);
  });

  it('does nothing to a session that is not running', async () => {
    const f = fakeOps('already');
    expect(await runStopPlan(stopPlan(quit, 300), f.ops)).toBe('not-running');
    expect(f.log).toEqual([]);
  });
});
