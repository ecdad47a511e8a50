/**
 * Plannr's published limit — 500 requests per minute per user [S16] (reference §2.6) — scheduled up front,
 * and the `X-RateLimit-*` headers read back so requests made elsewhere with the same user are accounted for
 * (header names: ASSUMPTION `rateLimitHeaders`).
 */
import {
  type HttpResponse,
  parseRetryAfter,
  type RateLimitObservation,
  type RateLimitRule,
} from '@goalbridge/core';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';

const headerNames = PLANNR_ASSUMPTIONS.rateLimitHeaders;

/** The rule name the server's headers feed; name a custom rule this to keep that link. */
export const PLANNR_RATE_LIMIT_RULE = 'per-minute';

export const PLANNR_RATE_LIMITS: readonly RateLimitRule[] = [
  { name: PLANNR_RATE_LIMIT_RULE, limit: 500, windowMs: 60_000 },
];

/** `X-RateLimit-Remaining` (every response) with the reset time of a 429, as limiter observations. */
export function readPlannrRateLimits(response: HttpResponse): RateLimitObservation[] {
  const remaining = integerHeader(response.headers, headerNames.remaining);
  if (remaining === undefined) return [];
  return [{ rule: PLANNR_RATE_LIMIT_RULE, remaining, resetAt: plannrResetAt(response.headers) }];
}

/**
 * When the limit lifts (epoch ms): `Retry-After` (seconds or a date), else `X-RateLimit-Reset` (unix
 * seconds), as Laravel's throttle sends them on a 429.
 */
export function plannrResetAt(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(headers.get(headerNames.retryAfter), now);
  if (retryAfter !== undefined) return now + retryAfter;
  const reset = integerHeader(headers, headerNames.reset);
  return reset === undefined || reset === 0 ? undefined : Math.max(now, reset * 1000);
}

function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}
