/**
 * A cost-weighted request scheduler. It holds several limits at once — e.g. Pipedrive's 2-second burst window
 * counted in requests plus its daily budget counted in tokens — and queues each request until every limit
 * admits it, so a healthy run never provokes a 429. A spent budget fails fast with its reset time instead of
 * waiting for hours.
 */
import { RateLimitError } from '../errors.ts';
import { notify } from '../http/notify.ts';
import { MAX_TIMER_MS } from '../http/retry-timing.ts';

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
   * For `acquire()` only: extra time added to each sliding window, since a request is counted there when it
   * is sent but by the server when it arrives. `reserve()` needs no margin. Default 50 ms.
   */
  marginMs?: number;
  /** A budget that resets within this time is waited for rather than failed. Default 0 (fail fast). */
  maxBudgetWaitMs?: number;
  onWait?: ((event: RateLimitWaitEvent) => void) | undefined;
  now?: () => number;
}

export interface AcquireOptions {
  /** Cost in tokens for `tokens` rules; `requests` rules always count 1. Default 1. */
  tokens?: number;
  signal?: AbortSignal | undefined;
  operation?: string | undefined;
}

/**
 * One admitted request, counted in every sliding window while it is in flight. `settle()` when its answer
 * arrives (or it fails): the server has counted it by then if it ever will, so it leaves each window one window
 * length later — exact, whatever the latency, with no margin to guess.
 */
export interface RateLimitPermit {
  /** Marks the request answered (or failed). Only the first call counts. */
  settle(): void;
}

interface Waiter {
  tokens: number;
  operation: string | undefined;
  /** `true` for a permit that stays in flight until settled, `false` for an `acquire()` with a margin. */
  inFlight: boolean;
  resolve: (permit: RateLimitPermit) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  announced: boolean;
}

type NormalizedRule = RateLimitRule & { unit: 'requests' | 'tokens' };

/** A request counted in a window until `at` (epoch ms). */
interface Expiring {
  at: number;
  cost: number;
}

/**
 * A sliding window: requests in flight count until they settle, settled ones until their expiry. Expiries
 * arrive almost in order (settle time plus one window), so they are kept sorted with a cheap insertion.
 */
class SlidingWindow {
  readonly #expiring: Expiring[] = [];
  #head = 0;
  /** Units of the entries from `#head` on. */
  #settled = 0;
  /** Units admitted and not yet settled. */
  #inFlight = 0;
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
    const expiring = this.#expiring;
    while (this.#head < expiring.length && (expiring[this.#head] as Expiring).at <= now) {
      this.#settled -= (expiring[this.#head] as Expiring).cost;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > expiring.length) {
      expiring.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #insert(at: number, cost: number): void {
    const expiring = this.#expiring;
    let index = expiring.length;
    while (index > this.#head && (expiring[index - 1] as Expiring).at > at) index--;
    if (index === expiring.length) expiring.push({ at, cost });
    else expiring.splice(index, 0, { at, cost });
    this.#settled += cost;
  }

  /** Milliseconds until a request of this cost fits; `Infinity` while only a settle can make room. */
  delay(tokens: number, now: number): number {
    this.#prune(now);
    let excess = this.#inFlight + this.#settled + this.cost(tokens) - this.rule.limit;
    if (excess <= 0) return 0;
    for (let index = this.#head; index < this.#expiring.length; index++) {
      const entry = this.#expiring[index] as Expiring;
      excess -= entry.cost;
      if (excess <= 0) return entry.at - now;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Counts an admitted request: in flight until settled, or (`acquire()`) for one window plus the margin. */
  record(tokens: number, now: number, inFlight: boolean): void {
    const cost = this.cost(tokens);
    if (inFlight) this.#inFlight += cost;
    else this.#insert(now + this.rule.windowMs + this.marginMs, cost);
  }

  settle(tokens: number, now: number): void {
    const cost = this.cost(tokens);
    this.#inFlight -= cost;
    this.#insert(now + this.rule.windowMs, cost);
  }

  /**
   * Server says only `remaining` units are left in its window (0: full). When it has counted more than this
   * window holds (another client on the same quota), the difference counts here until `resetAt`.
   */
  fill(now: number, resetAt: number, remaining = 0): void {
    this.#prune(now);
    const missing = this.rule.limit - remaining - this.#inFlight - this.#settled;
    if (missing > 0) this.#insert(resetAt, missing);
  }

  remaining(now: number): number {
    this.#prune(now);
    return Math.max(0, this.rule.limit - this.#inFlight - this.#settled);
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

/** The permit of a request no sliding window counts in flight. */
const SETTLED: RateLimitPermit = { settle() {} };

export class RateLimiter {
  readonly rules: readonly RateLimitRule[];
  readonly #windows: SlidingWindow[] = [];
  readonly #budgets: Budget[] = [];
  readonly #queue: Waiter[] = [];
  readonly #options: RateLimiterOptions;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pausedUntil = 0;
  #draining = false;
  #dirty = false;

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

  /**
   * Resolves when the request may be sent; rejects with a `daily` RateLimitError when a budget is spent. The
   * request counts in each sliding window for one window plus the margin from now: for callers that cannot
   * say when the answer came; `reserve()` is exact.
   */
  async acquire(options: AcquireOptions = {}): Promise<void> {
    await this.#admit(options, false);
  }

  /**
   * Resolves with a permit when the request may be sent; rejects with a `daily` RateLimitError when a budget
   * is spent. The request counts in each sliding window until `permit.settle()` plus one window.
   */
  reserve(options: AcquireOptions = {}): Promise<RateLimitPermit> {
    return this.#admit(options, true);
  }

  /**
   * `reserve()` without waiting: the permit when the request may be sent now, `undefined` when it must wait;
   * throws a `daily` RateLimitError when a budget is spent. A caller that sends in the same turn leaves no
   * moment between the check and the send for a refusal to arrive in.
   */
  reserveNow(options: AcquireOptions = {}): RateLimitPermit | undefined {
    return this.#admitNow(options, true);
  }

  #admit(options: AcquireOptions, inFlight: boolean): Promise<RateLimitPermit> {
    try {
      const permit = this.#admitNow(options, inFlight);
      if (permit) return Promise.resolve(permit);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue(options, inFlight);
  }

  #admitNow(options: AcquireOptions, inFlight: boolean): RateLimitPermit | undefined {
    const tokens = options.tokens ?? 1;
    this.#checkCost(tokens);
    this.#checkBudgets(tokens, this.#now());
    if (options.signal?.aborted) throw options.signal.reason;
    if (this.#queue.length > 0 || this.#delay(tokens, this.#now()).waitMs > 0) return undefined;
    return this.#record(tokens, this.#now(), inFlight);
  }

  #enqueue(options: AcquireOptions, inFlight: boolean): Promise<RateLimitPermit> {
    const tokens = options.tokens ?? 1;
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter: Waiter = {
        tokens,
        operation: options.operation,
        inFlight,
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
      if (this.#queue.length === 1) this.#drain();
    });
  }

  /** Updates limits from what the server reported. A full window or spent budget holds further requests. */
  observe(observation: RateLimitObservation): void {
    const now = this.#now();
    for (const budget of this.#budgets) {
      if (budget.rule.name === observation.rule) budget.observe(observation, now);
    }
    for (const window of this.#windows) {
      if (window.rule.name === observation.rule && observation.remaining !== undefined) {
        window.fill(now, observation.resetAt ?? now + window.rule.windowMs, observation.remaining);
      }
    }
    this.#reschedule();
  }

  /** Holds every request until `until` (epoch ms), e.g. after a 429 that named its reset time. */
  pauseUntil(until: number): void {
    // NaN (an Invalid Date's time) would compare false everywhere and let every request through.
    if (Number.isNaN(until) || until <= this.#pausedUntil) return;
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

  #record(tokens: number, now: number, inFlight: boolean): RateLimitPermit {
    for (const window of this.#windows) window.record(tokens, now, inFlight);
    for (const budget of this.#budgets) budget.record(tokens, now);
    if (!inFlight || this.#windows.length === 0) return SETTLED;
    let settled = false;
    return {
      settle: () => {
        if (settled) return;
        settled = true;
        const at = this.#now();
        for (const window of this.#windows) window.settle(tokens, at);
        this.#reschedule();
      },
    };
  }

  /** Admits queued requests in order while the limits allow; a reschedule during a drain loops once more. */
  #drain(): void {
    if (this.#draining) {
      this.#dirty = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#dirty = false;
        this.#admitQueued();
      } while (this.#dirty);
    } finally {
      this.#draining = false;
    }
  }

  #admitQueued(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
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
        // An infinite wait ends with a settle, which drains again; only a finite one needs a timer.
        // Node fires a longer timer at once: a wait beyond it is checked again when the longest timer ends.
        if (Number.isFinite(waitMs))
          this.#timer = setTimeout(() => this.#drain(), Math.min(waitMs, MAX_TIMER_MS));
        if (!head.announced) {
          head.announced = true;
          notify(this.#options.onWait, {
            provider: this.#options.provider,
            operation: head.operation,
            rule,
            // Waiting for an answer: at least one window once it comes.
            waitMs: Number.isFinite(waitMs) ? waitMs : this.#windowOf(rule),
            queued: this.#queue.length,
          });
        }
        return;
      }
      this.#queue.shift();
      this.#detach(head);
      head.resolve(this.#record(head.tokens, now, head.inFlight));
    }
  }

  #windowOf(rule: string): number {
    return this.#windows.find((window) => window.rule.name === rule)?.rule.windowMs ?? 0;
  }

  /** Looks at the queue again: the limits changed (a settle, a server report, a pause). */
  #reschedule(): void {
    if (this.#queue.length > 0) this.#drain();
  }

  #remove(waiter: Waiter, reason: unknown): void {
    const index = this.#queue.indexOf(waiter);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    this.#detach(waiter);
    waiter.reject(reason);
    // The head's timer is armed for it alone: draining re-arms it for the next waiter or, with none, clears it.
    if (index === 0) this.#drain();
  }

  #detach(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
