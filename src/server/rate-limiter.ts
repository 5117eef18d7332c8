/**
 * Token buckets keyed by caller (a machine, an IP address). Each attempt takes a token;
 * tokens come back at `perMinute`. Pure apart from the clock it is given.
 */
export interface BucketConfig {
  readonly burst: number;
  readonly perMinute: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSec: number };

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_KEYS = 50_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: BucketConfig,
    private readonly now: () => number,
  ) {}

  take(key: string): TakeResult {
    const t = this.now();
    const b = this.refill(key, t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    const perMs = this.config.perMinute / 60_000;
    const waitMs = perMs > 0 ? (1 - b.tokens) / perMs : 60_000;
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  size(): number {
    return this.buckets.size;
  }

  private refill(key: string, t: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.forgetFull(t);
      b = { tokens: this.config.burst, at: t };
      this.buckets.set(key, b);
      return b;
    }
    const gained = ((t - b.at) * this.config.perMinute) / 60_000;
    b.tokens = Math.min(this.config.burst, b.tokens + Math.max(0, gained));
    b.at = t;
    return b;
  }

  /** A full bucket holds nothing worth remembering; dropping those bounds the memory a flood of callers can take. */
  private forgetFull(t: number): void {
    for (const [key, b] of this.buckets) {
      const tokens = b.tokens + ((t - b.at) * this.config.perMinute) / 60_000;
      if (tokens >= this.config.burst) this.buckets.delete(key);
    }
  }
}
