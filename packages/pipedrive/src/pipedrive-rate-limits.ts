/**
 * Pipedrive's published limits (reference §5): a burst window of 2 seconds per token, counted in requests and
 * sized by plan and auth kind, and a daily token budget per company (30,000 × plan multiplier × seats) that
 * every call spends by its token cost and that resets at midnight.
 */
import {
  type HttpResponse,
  nextUtcMidnight,
  parseRetryAfter,
  type RateLimitObservation,
  type RateLimitRule,
} from '@goalbridge/core';

export const PIPEDRIVE_PLANS = ['lite', 'growth', 'premium', 'ultimate'] as const;
export type PipedrivePlan = (typeof PIPEDRIVE_PLANS)[number];
export type PipedriveAuthKind = 'apiToken' | 'oauth';

/** Requests per 2-second window and token, by auth kind and plan (reference §5). */
export const PIPEDRIVE_BURST_LIMITS: Readonly<
  Record<PipedriveAuthKind, Readonly<Record<PipedrivePlan, number>>>
> = {
  apiToken: { lite: 20, growth: 40, premium: 100, ultimate: 120 },
  oauth: { lite: 80, growth: 160, premium: 400, ultimate: 480 },
};
export const PIPEDRIVE_BURST_WINDOW_MS = 2000;
export const PIPEDRIVE_DAILY_TOKENS_PER_SEAT = 30_000;
export const PIPEDRIVE_PLAN_MULTIPLIERS: Readonly<Record<PipedrivePlan, number>> = {
  lite: 1,
  growth: 2,
  premium: 5,
  ultimate: 7,
};
const DAY_MS = 86_400_000;

/** The daily token budget of a company: 30,000 × plan multiplier × seats (reference §5). */
export function pipedriveDailyTokens(plan: PipedrivePlan, seats: number): number {
  return PIPEDRIVE_DAILY_TOKENS_PER_SEAT * PIPEDRIVE_PLAN_MULTIPLIERS[plan] * seats;
}

export interface PipedriveRateLimitOverride {
  /** Requests per burst window. Default: by plan and auth kind. */
  burstLimit?: number | undefined;
  /** Length of the burst window. Default 2000 ms. */
  burstWindowMs?: number | undefined;
  /** Daily token budget. Default: 30,000 × plan multiplier × seats. */
  dailyTokens?: number | undefined;
}

export interface PipedriveLimitSettings {
  plan: PipedrivePlan;
  seats: number;
  auth: PipedriveAuthKind;
  /** `false`: schedule nothing up front (a budget the server reports spent still stops requests). */
  override: PipedriveRateLimitOverride | false;
}

function dailyRule(limit: number): RateLimitRule {
  return {
    name: 'daily',
    limit,
    windowMs: DAY_MS,
    kind: 'budget',
    unit: 'tokens',
    // Pipedrive resets at midnight "in the server time zone", which it does not name: UTC is an ASSUMPTION,
    // corrected whenever a refusal carries Retry-After.
    nextResetAt: nextUtcMidnight,
  };
}

/** The published limits the adapter schedules (none when the override is `false`). Names match the headers read. */
export function pipedriveRateLimitRules(settings: PipedriveLimitSettings): RateLimitRule[] {
  if (settings.override === false) return [];
  const { burstLimit, burstWindowMs, dailyTokens } = settings.override;
  return [
    {
      name: 'burst',
      limit: burstLimit ?? PIPEDRIVE_BURST_LIMITS[settings.auth][settings.plan],
      windowMs: burstWindowMs ?? PIPEDRIVE_BURST_WINDOW_MS,
      unit: 'requests',
    },
    dailyRule(dailyTokens ?? pipedriveDailyTokens(settings.plan, settings.seats)),
  ];
}

/**
 * The rules for the adapter's limiter: the scheduled ones, plus — when nothing is scheduled — a daily budget of
 * unknown size, so a budget the server reports spent still stops every request until its reset.
 */
export function limiterRules(scheduled: readonly RateLimitRule[]): RateLimitRule[] {
  return scheduled.some((rule) => rule.name === 'daily')
    ? [...scheduled]
    : [...scheduled, dailyRule(Number.MAX_SAFE_INTEGER)];
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** Milliseconds from `Retry-After` (seconds or an HTTP date). */
const retryAfterMs = (headers: Headers, now: number) => parseRetryAfter(headers.get('retry-after'), now);

/**
 * True when a 429 refuses for the daily token budget, not the burst window (reference §5):
 * `x-daily-ratelimit-token-remaining: 0`; or, when that undocumented header is missing (Pipedrive says it can
 * be, for a few requests), a burst window that still has room (`x-ratelimit-remaining` ≥ 1) — the rule
 * singer-io/tap-pipedrive uses.
 */
export function isDailyRefusal(response: HttpResponse): boolean {
  if (response.status !== 429) return false;
  const daily = numberHeader(response.headers, 'x-daily-ratelimit-token-remaining');
  if (daily !== undefined) return daily === 0;
  const burstRemaining = numberHeader(response.headers, 'x-ratelimit-remaining');
  return burstRemaining !== undefined && burstRemaining >= 1;
}

/**
 * When a spent daily budget resets: `Retry-After` when the server sends it, else the next midnight (server time,
 * UTC assumed). Never `x-ratelimit-reset`: that is the 2-second burst window's, and waiting it out would
 * probe a spent budget every two seconds — what earns an API token Cloudflare's 403 block (§5).
 */
export function dailyResetAt(headers: Headers, now: number): number {
  const wait = retryAfterMs(headers, now);
  return wait === undefined ? nextUtcMidnight(now) : now + wait;
}

/**
 * When a burst window frees up: `x-ratelimit-reset` seconds, else `Retry-After`, else one window — and never
 * sooner than the window in force (2 s, reference §5): a token that keeps sending after 429s earns Cloudflare's
 * block. With limits off (`windowMs` undefined) the server's word stands.
 */
export function burstResetAt(headers: Headers, now: number, windowMs: number | undefined): number {
  const reset = secondsHeaderMs(headers, 'x-ratelimit-reset');
  const told = reset !== undefined && reset > 0 ? reset : retryAfterMs(headers, now);
  return now + Math.max(told ?? windowMs ?? PIPEDRIVE_BURST_WINDOW_MS, windowMs ?? 0);
}

function secondsHeaderMs(headers: Headers, name: string): number | undefined {
  const seconds = numberHeader(headers, name);
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * Limit state from the documented `x-ratelimit-*` headers and the undocumented but widely read
 * `x-daily-ratelimit-token-*` ones (reference §5); either may be missing on a response.
 */
export function readPipedriveRateLimits(
  response: HttpResponse,
  now: number = Date.now(),
): RateLimitObservation[] {
  const { headers } = response;
  const observations: RateLimitObservation[] = [];
  const burstRemaining = numberHeader(headers, 'x-ratelimit-remaining');
  const dailyRefusal = isDailyRefusal(response);
  if (burstRemaining !== undefined && !dailyRefusal) {
    const reset = secondsHeaderMs(headers, 'x-ratelimit-reset');
    observations.push({
      rule: 'burst',
      remaining: burstRemaining,
      resetAt: reset === undefined ? undefined : now + reset,
    });
  }
  const dailyRemaining = numberHeader(headers, 'x-daily-ratelimit-token-remaining');
  if (dailyRefusal) {
    observations.push({ rule: 'daily', remaining: 0, resetAt: dailyResetAt(headers, now) });
  } else if (dailyRemaining !== undefined) {
    observations.push({ rule: 'daily', remaining: dailyRemaining, resetAt: undefined });
  }
  return observations;
}
