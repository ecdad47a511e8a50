/**
 * Plannr's published limit — 500 requests per minute per user [S16] (reference §2.6) — scheduled up front,
 * and the `X-RateLimit-*` headers read back so requests made elsewhere with the same user are accounted for.
 */
import type { HttpResponse, RateLimitObservation, RateLimitRule } from '@goalbridge/core';

/** The rule name the server's headers feed; name a custom rule this to keep that link. */
export const PLANNR_RATE_LIMIT_RULE = 'per-minute';

export const PLANNR_RATE_LIMITS: readonly RateLimitRule[] = [
  { name: PLANNR_RATE_LIMIT_RULE, limit: 500, windowMs: 60_000 },
];

/** `X-RateLimit-Remaining` (every response) with the reset time of a 429, as limiter observations. */
export function readPlannrRateLimits(response: HttpResponse): RateLimitObservation[] {
  const remaining = integerHeader(response.headers, 'x-ratelimit-remaining');
  if (remaining === undefined) return [];
  const reset = integerHeader(response.headers, 'x-ratelimit-reset');
  const retryAfter = integerHeader(response.headers, 'retry-after');
  const resetAt =
    reset !== undefined
      ? reset * 1000
      : retryAfter !== undefined
        ? Date.now() + retryAfter * 1000
        : undefined;
  return [{ rule: PLANNR_RATE_LIMIT_RULE, remaining, resetAt }];
}

function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}
