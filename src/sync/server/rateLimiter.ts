// Failed-attempt limiter for login and seed requests: `max` failures per window per client address, then 429
// (Trilium: 10 per 15 minutes, successful requests not counted).
export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(readonly max = 10, readonly windowMs = 15 * 60 * 1000) {}

  isLimited(key: string, now: number): boolean {
    return this.recent(key, now).length >= this.max;
  }

  recordFailure(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
  }

  /** Seconds until the oldest counted failure leaves the window. */
  retryAfterSeconds(key: string, now: number): number {
    const list = this.recent(key, now);
    return list.length ? Math.max(1, Math.ceil((list[0] + this.windowMs - now) / 1000)) : 0;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
