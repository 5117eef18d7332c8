import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/server/rate-limiter.js';

describe('the token-bucket rate limiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    let t = 0;
    const rl = new RateLimiter({ burst: 3, perMinute: 6 }, () => t);
    expect([rl.take('a'), rl.take('a'), rl.take('a')].every((r) => r.ok)).toBe(true);
    expect(rl.take('a')).toEqual({ ok: false, retryAfterSec: 10 });
    t = 4_000;
    expect(rl.take('a')).toEqual({ ok: false, retryAfterSec: 6 });
    t = 10_000;
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(false);
  });

  it('keeps callers apart', () => {
    const rl = new RateLimiter({ burst: 1, perMinute: 1 }, () => 0);
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(false);
    expect(rl.take('b').ok).toBe(true);
  });

  it('never refills beyond the burst', () => {
    let t = 0;
    const rl = new RateLimiter({ burst: 2, perMinute: 60 }, () => t);
    rl.take('a');
    t = 3_600_000;
    expect([rl.take('a').ok, rl.take('a').ok, rl.take('a').ok]).toEqual([true, true, false]);
  });
});
