/**
 * Server-side rate accounting as Pipedrive describes it (reference §5): a rolling burst window per token,
 * counted in requests; a daily token budget per company, spent by each call's token cost and refilled at
 * midnight; the documented `x-ratelimit-*` headers and the observed `x-daily-ratelimit-token-*` ones; the
 * legacy `x-daily-requests-left` POST/PUT counter on API-token requests. ASSUMPTIONS: a call is admitted while
 * any budget is left and the budget never goes below 0 (so a refusal always shows `remaining: 0`); an API
 * token that keeps sending after refusals can be blocked with the Cloudflare HTML 403 (off by default, since
 * Pipedrive publishes no threshold).
 */
import { nextUtcMidnight } from '@goalbridge/core';
import { SlidingWindowCounter } from '@goalbridge/core/simulator';
import {
  PIPEDRIVE_BURST_LIMITS,
  PIPEDRIVE_BURST_WINDOW_MS,
  type PipedriveAuthKind,
  type PipedrivePlan,
  pipedriveDailyTokens,
} from '../pipedrive-rate-limits.ts';

const DAY_MS = 86_400_000;

export interface PipedriveSimulatorLimits {
  /** Burst requests per window for API tokens. Default by plan (lite 20). */
  burstApiToken: number;
  /** Burst requests per window for OAuth tokens. Default by plan (lite 80). */
  burstOAuth: number;
  /** Length of the rolling burst window. Default 2000 ms. */
  burstWindowMs: number;
  /** Daily token budget of the company, or `false` for none. Default 30,000 × plan multiplier × seats. */
  dailyTokens: number | false;
  /** Legacy POST/PUT requests per user and UTC day, reported in `x-daily-requests-left` (2019 changelog). */
  dailyWriteRequests: number;
  /** Refusals in a row after which an API token gets the Cloudflare HTML 403; `false` never. */
  blockAfterRefusals: number | false;
  /** How long such a block lasts. */
  blockMs: number;
  /**
   * Whether a refusal for the spent daily budget carries `Retry-After` (seconds to the reset). Undocumented: one
   * sandbox-derived client fixture has it (reference §5). Default true.
   */
  retryAfterOnDailyRefusal: boolean;
}

export function defaultLimits(plan: PipedrivePlan, seats: number): PipedriveSimulatorLimits {
  return {
    burstApiToken: PIPEDRIVE_BURST_LIMITS.apiToken[plan],
    burstOAuth: PIPEDRIVE_BURST_LIMITS.oauth[plan],
    burstWindowMs: PIPEDRIVE_BURST_WINDOW_MS,
    dailyTokens: pipedriveDailyTokens(plan, seats),
    dailyWriteRequests: 10_000,
    blockAfterRefusals: false,
    blockMs: 600_000,
    retryAfterOnDailyRefusal: true,
  };
}

export interface DailyBudgetState {
  limit: number;
  remaining: number;
  /** Epoch ms of the next refill. */
  resetAt: number;
}

/**
 * Requests per rolling window for one token. Like core's SlidingWindowCounter, plus a read without a hit, so
 * a refusal for another reason can still report the window's state.
 */
/** The company's daily token budget; refills to its limit at each reset, the next one a day later. */
class DailyBudget {
  limit: number;
  remaining: number;
  resetAt: number;

  constructor(limit: number, now: number) {
    this.limit = limit;
    this.remaining = limit;
    this.resetAt = nextUtcMidnight(now);
  }

  refresh(now: number): void {
    if (now < this.resetAt) return;
    this.remaining = this.limit;
    this.resetAt += Math.floor((now - this.resetAt) / DAY_MS + 1) * DAY_MS;
  }
}

export interface Caller {
  /** The credential, which keys the burst window. */
  key: string;
  kind: PipedriveAuthKind;
  userId: number;
}

export type Admission =
  | { admitted: true; headers: Record<string, string> }
  | { admitted: false; reason: 'burst' | 'daily' | 'blocked'; headers: Record<string, string> };

const seconds = (ms: number) => String(Math.max(0, Math.ceil(ms / 1000)));

export class SimulatorRateLimits {
  #limits: PipedriveSimulatorLimits;
  readonly #now: () => number;
  readonly #windows = new Map<string, SlidingWindowCounter>();
  readonly #refusals = new Map<string, number>();
  readonly #blockedUntil = new Map<string, number>();
  readonly #writes = new Map<number, { day: string; count: number }>();
  #budget: DailyBudget | undefined;

  constructor(limits: PipedriveSimulatorLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
    this.#budget = limits.dailyTokens === false ? undefined : new DailyBudget(limits.dailyTokens, now());
  }

  get limits(): PipedriveSimulatorLimits {
    return { ...this.#limits };
  }

  /** Changes limits; burst windows restart, the budget keeps what is spent unless its limit changes. */
  set(changes: Partial<PipedriveSimulatorLimits>): void {
    this.#limits = { ...this.#limits, ...changes };
    this.#windows.clear();
    const daily = this.#limits.dailyTokens;
    if (daily === false) this.#budget = undefined;
    else if (!this.#budget) this.#budget = new DailyBudget(daily, this.#now());
    else if (changes.dailyTokens !== undefined) {
      this.#budget.remaining = Math.min(this.#budget.remaining + (daily - this.#budget.limit), daily);
      this.#budget.limit = daily;
    }
  }

  budget(): DailyBudgetState | undefined {
    if (!this.#budget) return undefined;
    this.#budget.refresh(this.#now());
    return { limit: this.#budget.limit, remaining: this.#budget.remaining, resetAt: this.#budget.resetAt };
  }

  /** Sets what is left of the budget, its limit or its next reset (e.g. to test the stop and the resume). */
  setBudget(state: Partial<DailyBudgetState>): void {
    if (!this.#budget) this.set({ dailyTokens: state.limit ?? 30_000 });
    const budget = this.#budget as DailyBudget;
    budget.refresh(this.#now());
    if (state.limit !== undefined) budget.limit = state.limit;
    if (state.remaining !== undefined) budget.remaining = state.remaining;
    if (state.resetAt !== undefined) budget.resetAt = state.resetAt;
  }

  #window(caller: Caller): SlidingWindowCounter {
    let window = this.#windows.get(caller.key);
    if (!window) {
      const limit = caller.kind === 'oauth' ? this.#limits.burstOAuth : this.#limits.burstApiToken;
      window = new SlidingWindowCounter(limit, this.#limits.burstWindowMs);
      this.#windows.set(caller.key, window);
    }
    return window;
  }

  /**
   * The headers an answer to `caller` carries as things stand, without counting the call, spending budget or
   * counting a write: what an injected fault from the API layer shows. None while Cloudflare blocks the token.
   */
  peek(caller: Caller, method: string): Record<string, string> {
    const now = this.#now();
    if ((this.#blockedUntil.get(caller.key) ?? 0) > now) return {};
    this.budget();
    const window = this.#window(caller);
    const { remaining, resetMs } = window.peek(now);
    return this.#headers(caller, method, now, { limit: window.limit, remaining, resetMs }, false);
  }

  /** Admits or refuses one call of `cost` tokens, with the headers the response carries. */
  admit(caller: Caller, cost: number, method: string): Admission {
    const now = this.#now();
    if ((this.#blockedUntil.get(caller.key) ?? 0) > now)
      return { admitted: false, reason: 'blocked', headers: {} };
    const budget = this.budget();
    const window = this.#window(caller);
    if (budget && budget.remaining <= 0) {
      const { remaining, resetMs } = window.peek(now);
      return this.#refuse(caller, 'daily', {
        // x-ratelimit-reset stays the burst window's, as on every answer; only Retry-After names the budget's reset.
        ...this.#headers(caller, method, now, { limit: window.limit, remaining, resetMs }, false),
        ...(this.#limits.retryAfterOnDailyRefusal ? { 'retry-after': seconds(budget.resetAt - now) } : {}),
      });
    }
    if (!window.hit(now).allowed) {
      const { resetMs } = window.peek(now);
      return this.#refuse(
        caller,
        'burst',
        this.#headers(caller, method, now, { limit: window.limit, remaining: 0, resetMs }, false),
      );
    }
    this.#refusals.delete(caller.key);
    if (this.#budget) this.#budget.remaining = Math.max(0, this.#budget.remaining - cost);
    const { remaining, resetMs } = window.peek(now);
    const headers = this.#headers(caller, method, now, { limit: window.limit, remaining, resetMs }, true);
    return { admitted: true, headers };
  }

  /**
   * What every answer to `caller` carries: the burst window as given, the daily budget, and the legacy write
   * count (counting this call when `countWrite`).
   */
  #headers(
    caller: Caller,
    method: string,
    now: number,
    burst: { limit: number; remaining: number; resetMs: number },
    countWrite: boolean,
  ): Record<string, string> {
    return {
      'x-ratelimit-limit': String(burst.limit),
      'x-ratelimit-remaining': String(burst.remaining),
      'x-ratelimit-reset': seconds(burst.resetMs),
      ...this.#dailyHeaders(),
      ...this.#legacyWriteHeader(caller, method, now, countWrite),
    };
  }

  #refuse(caller: Caller, reason: 'burst' | 'daily', headers: Record<string, string>): Admission {
    const refusals = (this.#refusals.get(caller.key) ?? 0) + 1;
    this.#refusals.set(caller.key, refusals);
    const threshold = this.#limits.blockAfterRefusals;
    if (caller.kind === 'apiToken' && threshold !== false && refusals >= threshold) {
      this.#blockedUntil.set(caller.key, this.#now() + this.#limits.blockMs);
      this.#refusals.delete(caller.key);
    }
    return { admitted: false, reason, headers };
  }

  #dailyHeaders(): Record<string, string> {
    if (!this.#budget) return {};
    return {
      'x-daily-ratelimit-token-limit': String(this.#budget.limit),
      'x-daily-ratelimit-token-remaining': String(this.#budget.remaining),
    };
  }

  /**
   * `x-daily-requests-left`: POST/PUT requests per user and UTC day, API tokens only (reference §5). `count`
   * false reads it without counting this request (a refused or faulted one).
   */
  #legacyWriteHeader(caller: Caller, method: string, now: number, count: boolean): Record<string, string> {
    if (caller.kind !== 'apiToken') return {};
    const day = new Date(now).toISOString().slice(0, 10);
    const entry = this.#writes.get(caller.userId);
    const counter = entry?.day === day ? entry : { day, count: 0 };
    if (count && (method === 'POST' || method === 'PUT')) counter.count++;
    if (count) this.#writes.set(caller.userId, counter);
    return { 'x-daily-requests-left': String(Math.max(0, this.#limits.dailyWriteRequests - counter.count)) };
  }
}
