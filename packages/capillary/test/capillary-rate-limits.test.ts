/**
 * Capillary limits requests per minute and API key (reference §1.5). The adapter schedules under the limit
 * so a healthy run sees no 429; limits are scaled down here (per 400 ms) so the test takes a second, and
 * nothing is asserted about time, only about what the server saw.
 */
import { RateLimitError } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { CAPILLARY_RATE_LIMITS, capillaryRateLimits, createCapillaryAdapter } from '../src/index.ts';
import {
  CAPILLARY_SANDBOX,
  createCapillarySimulator,
  generateCapillaryTargetGroups,
} from '../src/testing/index.ts';

describe('rate limits', () => {
  it('schedules 100 requests per minute by default and declares it', () => {
    expect(CAPILLARY_RATE_LIMITS).toEqual([{ name: 'per-minute', limit: 100, windowMs: 60_000 }]);
    const adapter = createCapillaryAdapter({ auth: CAPILLARY_SANDBOX.basic });
    expect(adapter.capabilities.rateLimits).toEqual(CAPILLARY_RATE_LIMITS);
    expect(
      createCapillaryAdapter({ auth: CAPILLARY_SANDBOX.basic, rateLimits: false }).capabilities.rateLimits,
    ).toEqual([]);
  });

  it('keeps a burst of reads under the server limit: every request answered, no 429', async () => {
    const simulator = createCapillarySimulator({ rateLimit: { limit: 5, windowMs: 400 } });
    const ids = simulator.seedGroups(generateCapillaryTargetGroups({ count: 3, seed: 2 }));
    const statuses: number[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await simulator.fetch(input, init);
      statuses.push(response.status);
      return response;
    };
    const adapter = createCapillaryAdapter({
      auth: CAPILLARY_SANDBOX.oauth,
      fetch,
      rateLimits: capillaryRateLimits(5, 400),
      retry: false,
    });
    const reads = Array.from({ length: 14 }, (_, index) => adapter.get(String(ids[index % ids.length])));
    const goals = await Promise.all(reads);
    expect(goals.map((goal) => goal.id)).toEqual(
      Array.from({ length: 14 }, (_, index) => String(ids[index % ids.length])),
    );
    expect(statuses).toHaveLength(15);
    expect(statuses.filter((status) => status === 429)).toEqual([]);
  });

  it('turns a 429 whose Retry-After is too long to wait into a burst RateLimitError with the reset time', async () => {
    const simulator = createCapillarySimulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const adapter = createCapillaryAdapter({
      auth: CAPILLARY_SANDBOX.basic,
      fetch: simulator.fetch,
      rateLimits: false,
      retry: { retries: 3, maxRetryAfterMs: 1_000 },
    });
    const [id] = simulator.seedGroups(generateCapillaryTargetGroups({ count: 1, seed: 4 }));
    await adapter.get(String(id));
    await adapter.get(String(id));
    const error = await adapter.get(String(id)).catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).kind).toBe('burst');
    expect((error as RateLimitError).resetAt?.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(simulator.stats.requests).toBe(3);
  });

  it('retries a write the server refused with 429, after Retry-After', async () => {
    const simulator = createCapillarySimulator({ rateLimit: false });
    simulator.faults.schedule({ kind: 'rate-limit', match: (request) => request.method === 'POST' });
    const adapter = createCapillaryAdapter({
      auth: CAPILLARY_SANDBOX.basic,
      fetch: simulator.fetch,
      rateLimits: false,
    });
    const { goal } = await adapter.create({
      title: 'Refused once',
      measure: { kind: 'count', metric: 'TRANSACTION/COUNT' },
      target: { value: 2 },
      schedule: { start: '2026-01-01', end: '2026-01-31' },
    });
    expect(goal.title).toBe('Refused once');
    expect(simulator.stats.byRoute.get('POST /v3/targetGroups')).toBe(2);
    expect(simulator.targetGroups()).toHaveLength(1);
  });
});
