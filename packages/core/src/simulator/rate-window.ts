/** Server-side rate accounting for simulators: what the real API counts, so clients can be held to it. */

export interface WindowHit {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the oldest counted request leaves the window. */
  resetMs: number;
}

/** Requests per rolling window (Pipedrive's 2-second burst, Plannr's minute). Refused requests do not count. */
export class SlidingWindowCounter {
  readonly #hits: number[] = [];
  readonly limit: number;
  readonly windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  #prune(now: number): void {
    while (this.#hits.length > 0 && (this.#hits[0] as number) <= now - this.windowMs) this.#hits.shift();
  }

  /** The window's state without counting a request. */
  peek(now: number): WindowHit {
    this.#prune(now);
    const oldest = this.#hits[0];
    return {
      allowed: this.#hits.length < this.limit,
      limit: this.limit,
      remaining: this.limit - this.#hits.length,
      resetMs: oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now),
    };
  }

  /** Counts a request when the window has room. */
  hit(now: number): WindowHit {
    const before = this.peek(now);
    if (!before.allowed) return before;
    this.#hits.push(now);
    return { ...this.peek(now), allowed: true };
  }
}

/** A budget that refills at fixed times (Pipedrive's daily tokens, reset at midnight). */
export class ResettingBudget {
  readonly limit: number;
  #remaining: number;
  #resetAt: number;
  readonly #nextReset: (now: number) => number;

  constructor(limit: number, nextReset: (now: number) => number, now: number) {
    this.limit = limit;
    this.#remaining = limit;
    this.#nextReset = nextReset;
    this.#resetAt = nextReset(now);
  }

  /** Spends `cost` when it fits. */
  spend(cost: number, now: number): { allowed: boolean; remaining: number; resetAt: number } {
    if (now >= this.#resetAt) {
      this.#remaining = this.limit;
      this.#resetAt = this.#nextReset(now);
    }
    const allowed = cost <= this.#remaining;
    if (allowed) this.#remaining -= cost;
    return { allowed, remaining: this.#remaining, resetAt: this.#resetAt };
  }

  /** Sets what is left, e.g. to start a test with a nearly spent budget. */
  set(remaining: number): void {
    this.#remaining = remaining;
  }
}
