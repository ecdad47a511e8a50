/**
 * Capillary's limit is per API key and per minute. The target-group pages say "Rate limit: NA"; the live
 * rate-limits page gives 100 requests per minute per key on demo and testing clusters and "specific to each
 * brand" elsewhere (reference §1.5), so 100/min is the default and any other figure is an option.
 * No rate-limit headers are documented, so the limiter schedules from these rules alone.
 */
import type { RateLimitRule } from '@goalbridge/core';

export const CAPILLARY_REQUESTS_PER_MINUTE = 100;

/** Rules for a limit of `requests` per `windowMs` (one minute unless scaled down, e.g. for benchmarks). */
export function capillaryRateLimits(requests: number, windowMs = 60_000): RateLimitRule[] {
  return [{ name: 'per-minute', limit: requests, windowMs }];
}

/** What the adapter schedules by default. */
export const CAPILLARY_RATE_LIMITS: readonly RateLimitRule[] = capillaryRateLimits(
  CAPILLARY_REQUESTS_PER_MINUTE,
);
