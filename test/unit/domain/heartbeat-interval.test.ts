import { describe, expect, it } from 'vitest';
import { heartbeatEveryMs } from '../../../src/domain/heartbeat-interval.js';

describe('heartbeat interval', () => {
  it('keeps the setting when the server allows three beats per offline window', () => {
    expect(heartbeatEveryMs(10_000, 30_000)).toBe(10_000);
    expect(heartbeatEveryMs(300, 2_500)).toBe(300);
  });

  it('beats three times per window of a server with a shorter one', () => {
    expect(heartbeatEveryMs(10_000, 3_000)).toBe(1_000);
    expect(heartbeatEveryMs(10_000, 20_000)).toBe(6_666);
  });

  it('never faster than 50 ms, and the setting alone when the server said nothing usable', () => {
    expect(heartbeatEveryMs(10_000, 90)).toBe(50);
    expect(heartbeatEveryMs(10_000, undefined)).toBe(10_000);
    expect(heartbeatEveryMs(10_000, 0)).toBe(10_000);
    expect(heartbeatEveryMs(10_000, Number.NaN)).toBe(10_000);
  });
});
