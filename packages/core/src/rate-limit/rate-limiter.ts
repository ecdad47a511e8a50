/**
 * A cost-weighted request scheduler. It holds several limits at once — e.g. Pipedrive's 2-second burst window
 * counted in requests plus its daily budget counted in tokens — and queues each request until every limit
 * admits it, so a healthy run never provokes a 429. A spent budget fails fast with its reset time instead of
 * waiting for hours.
 */
import { RateLimitError } from '../errors.ts';

export interface RateLimitRule {
  /** Short name used in events and errors: `burst`, `daily`, `per-minute`. */
  name: string;
  /** Units admitted per window. */
  limit: number;
  /** Length of the sliding window, or of one budget period. */
  windowMs: number;
  /** What a request spends: one request, or its token cost. Default `requests`. */
  unit?: 'requests' | 'tokens';
  /** `sliding`: a rolling window. `budget`: an allowance that refills all at once at a reset time. Default `sliding`. */
  kind?: 'sliding' | 'budget';
  /** For budgets: when the period that contains `now` ends (e.g. next midnight). Default: `windowMs` after first use. */
  nextResetAt?: (now: number) => number;
}

/** Limit state reported by the server, from response headers. */
export interface RateLimitObservation {
  /** The rule it concerns, by name. */
  rule: string;
  remaining?: number | undefined;
  /** Epoch milliseconds when the server's window or budget resets. */
  resetAt?: number | undefined;
}

export interface RateLimitWaitEvent {
  provider: string | undefined;
  operation: string | undefined;
  /** The limit that holds the request back (`paused` after a 429). */
  rule: string;
  waitMs: number;
  queued: number;
}

export interface RateLimiterOptions {
  provider?: string;
  /**
   * Extra time added to each sliding window: requests are counted when sent but by the server when they
   * arrive, and latency varies. Default 50 ms.
   */
  marginMs?: number;
  /** A budget that resets within this time is waited for rather than failed. Default 0 (fail fast). */
  maxBudgetWaitMs?: number;
  onWait?: (event: RateLimitWaitEvent) => void;
  now?: () => number;
}

export interface AcquireOptions {
  /** Cost in tokens for `tokens` rules; `requests` rules always count 1. Default 1. */
  tokens?: number;
  signal?: AbortSignal | undefined;
  operation?: string | undefined;
}

interface Waiter {
  tokens: number;
  operation: string | undefined;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  announced: boolean;
}

type NormalizedRule = RateLimitRule & { unit: 'requests' | 'tokens' };

class SlidingWindow {
  readonly #times: number[] = [];
  readonly #costs: number[] = [];
  #head = 0;
  #used = 0;
  readonly rule: NormalizedRule;
  readonly marginMs: number;

  constructor(rule: NormalizedRule, marginMs: number) {
    this.rule = rule;
    this.marginMs = marginMs;
  }

  cost(tokens: number): number {
    return this.rule.unit === 'tokens' ? tokens : 1;
  }

  #prune(now: number): void {
    const span = this.rule.windowMs + this.marginMs;
    while (this.#head < this.#times.length && (this.#times[this.#head] as number) + span <= now) {
      this.#used -= this.#costs[this.#head] as number;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#costs.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Milliseconds until a request of this cost fits in the window. */
  delay(tokens: number, now: number): number {
    this.#prune(now);
    const cost = this.cost(tokens);
    let excess = this.#used + cost - this.rule.limit;
    if (excess <= 0) return 0;
    for (let index = this.#head; index < this.#times.length; index++) {
      excess -= this.#costs[index] as number;
      if (excess <= 0) return (this.#times[index] as number) + this.rule.windowMs + this.marginMs - now;
    }
    return this.rule.windowMs + this.marginMs;
  }

  record(tokens: number, now: number): void {
    const cost = this.cost(tokens);
    this.#times.push(now);
    this.#costs.push(cost);
    this.#used += cost;
  }

  /** Server says the window is full: treat it as used up to the limit until `resetAt`. */
  fill(now: number, resetAt: number): void {
    this.#prune(now);
    const missing = this.rule.limit - this.#used;
    if (missing <= 0) return;
    // An entry that expires at resetAt, placed so that the normal expiry arithmetic applies.
    this.#times.push(resetAt - this.rule.windowMs - this.marginMs);
    this.#costs.push(missing);
    this.#used += missing;
  }

  remaining(now: number): number {
    this.#prune(now);
    return Math.max(0, this.rule.limit - this.#used);
  }
}

class Budget {
  #remaining: number;
  #resetAt: number | undefined;
  readonly rule: NormalizedRule;

  constructor(rule: NormalizedRule) {
    this.rule = rule;
    this.#remaining = rule.limit;
  }

  cost(tokens: number): number {
    return this.rule.unit === 'tokens' ? tokens : 1;
  }

  #refresh(now: number): void {
    if (this.#resetAt === undefined) {
      this.#resetAt = this.rule.nextResetAt?.(now) ?? now + this.rule.windowMs;
    } else if (now >= this.#resetAt) {
      this.#remaining = this.rule.limit;
      this.#resetAt = this.rule.nextResetAt?.(now) ?? now + this.rule.windowMs;
    }
  }

  /** 0 when the cost fits now, otherwise the reset time. */
  blockedUntil(tokens: number, now: number): number {
    this.#refresh(now);
    return this.cost(tokens) <= this.#remaining ? 0 : (this.#resetAt as number);
  }

  record(tokens: number, now: number): void {
    this.#refresh(now);
    this.#remaining -= this.cost(tokens);
  }

  observe(observation: RateLimitObservation, now: number): void {
    this.#refresh(now);
    if (observation.resetAt !== undefined) this.#resetAt = observation.resetAt;
    if (observation.remaining !== undefined) this.#remaining = observation.remaining;
  }

  state(now: number): { remaining: number; resetAt: number } {
    this.#refresh(now);
    return { remaining: this.#remaining, resetAt: this.#resetAt as number };
  }
}

export interface RateLimitState {
  rule: string;
  remaining: number;
  resetAt?: number;
}

export class RateLimiter {
  readonly rules: readonly RateLimitRule[];
  readonly #windows: SlidingWindow[] = [];
  readonly #budgets: Budget[] = [];
  readonly #queue: Waiter[] = [];
  readonly #options: RateLimiterOptions;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pausedUntil = 0;

  constructor(rules: readonly RateLimitRule[], options: RateLimiterOptions = {}) {
    this.rules = rules;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    for (const rule of rules) {
      if (!(rule.limit > 0) || !(rule.windowMs > 0)) {
        throw new RangeError(`rate limit "${rule.name}" needs a positive limit and window`);
      }
      const normalized = { ...rule, unit: rule.unit ?? 'requests' } as const;
      if (rule.kind === 'budget') this.#budgets.push(new Budget(normalized));
      else this.#windows.push(new SlidingWindow(normalized, options.marginMs ?? 50));
    }
  }

  /** Resolves when the request may be sent; rejects with a `daily` RateLimitError when a budget is spent. */
  acquire(options: AcquireOptions = {}): Promise<void> {
    const tokens = options.tokens ?? 1;
    try {
      this.#checkCost(tokens);
      this.#checkBudgets(tokens, this.#now());
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    if (this.#queue.length === 0 && this.#delay(tokens, this.#now()).waitMs <= 0) {
      this.#record(tokens, this.#now());
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        tokens,
        operation: options.operation,
        resolve,
        reject,
        signal: options.signal,
        onAbort: undefined,
        announced: false,
      };
      if (options.signal) {
        waiter.onAbort = () => this.#remove(waiter, options.signal?.reason);
        options.signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      if (this.#timer === undefined) this.#drain();
    });
  }

  /** Updates limits from what the server reported. A full window or spent budget holds further requests. */
  observe(observation: RateLimitObservation): void {
    const now = this.#now();
    for (const budget of this.#budgets) {
      if (budget.rule.name === observation.rule) budget.observe(observation, now);
    }
    for (const window of this.#windows) {
      if (window.rule.name === observation.rule && observation.remaining === 0) {
        window.fill(now, observation.resetAt ?? now + window.rule.windowMs);
      }
    }
    this.#reschedule();
  }

  /** Holds every request until `until` (epoch ms), e.g. after a 429 that named its reset time. */
  pauseUntil(until: number): void {
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#reschedule();
  }

  /** Current headroom of each rule. */
  state(): RateLimitState[] {
    const now = this.#now();
    return [
      ...this.#windows.map((window) => ({ rule: window.rule.name, remaining: window.remaining(now) })),
      ...this.#budgets.map((budget) => ({ rule: budget.rule.name, ...budget.state(now) })),
    ];
  }

  get queued(): number {
    return this.#queue.length;
  }

  #checkCost(tokens: number): void {
    if (!(tokens >= 0) || !Number.isFinite(tokens)) throw new RangeError(`invalid request cost: ${tokens}`);
    for (const limit of [...this.#windows, ...this.#budgets]) {
      if (limit.cost(tokens) > limit.rule.limit) {
        throw new RangeError(`a request costing ${tokens} can never fit rate limit "${limit.rule.name}"`);
      }
    }
  }

  #checkBudgets(tokens: number, now: number): void {
    for (const budget of this.#budgets) {
      const resetAt = budget.blockedUntil(tokens, now);
      if (resetAt > 0 && resetAt - now > (this.#options.maxBudgetWaitMs ?? 0)) {
        throw new RateLimitError(
          `${this.#options.provider ?? 'provider'} ${budget.rule.name} budget is spent; it resets at ${new Date(resetAt).toISOString()}`,
          { kind: 'daily', resetAt: new Date(resetAt), provider: this.#options.provider },
        );
      }
    }
  }

  #delay(tokens: number, now: number): { waitMs: number; rule: string } {
    let result = { waitMs: this.#pausedUntil - now, rule: 'paused' };
    for (const window of this.#windows) {
      const waitMs = window.delay(tokens, now);
      if (waitMs > result.waitMs) result = { waitMs, rule: window.rule.name };
    }
    for (const budget of this.#budgets) {
      const resetAt = budget.blockedUntil(tokens, now);
      if (resetAt - now > result.waitMs) result = { waitMs: resetAt - now, rule: budget.rule.name };
    }
    return result;
  }

  #record(tokens: number, now: number): void {
    for (const window of this.#windows) window.record(tokens, now);
    for (const budget of this.#budgets) budget.record(tokens, now);
  }

  #drain(): void {
    this.#timer = undefined;
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Waiter;
      const now = this.#now();
      try {
        this.#checkBudgets(head.tokens, now);
      } catch (error) {
        this.#remove(head, error);
        continue;
      }
      const { waitMs, rule } = this.#delay(head.tokens, now);
      if (waitMs > 0) {
        this.#timer = setTimeout(() => this.#drain(), waitMs);
        if (!head.announced) {
          head.announced = true;
          this.#options.onWait?.({
            provider: this.#options.provider,
            operation: head.operation,
            rule,
            waitMs,
            queued: this.#queue.length,
          });
        }
        return;
      }
      this.#queue.shift();
      this.#detach(head);
      this.#record(head.tokens, now);
      head.resolve();
    }
  }

  #reschedule(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#drain();
  }

  #remove(waiter: Waiter, reason: unknown): void {
    const index = this.#queue.indexOf(waiter);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    this.#detach(waiter);
    waiter.reject(reason);
    if (index === 0) this.#reschedule();
  }

  #detach(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
