import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitError } from '../src/errors.ts';
import { RateLimiter } from '../src/rate-limit/rate-limiter.ts';

/** Largest number of admissions inside any window of `windowMs` (by admission time). */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2025-06-01T10:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a burst limit under load, queueing instead of failing', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 20, windowMs: 2000 }], { marginMs: 0 });
    const admitted: number[] = [];
    const requests = Array.from({ length: 100 }, () =>
      limiter.acquire().then(() => admitted.push(Date.now())),
    );
    await vi.runAllTimersAsync();
    await Promise.all(requests);
    expect(admitted).toHaveLength(100);
    expect(maxInWindow(admitted, 2000)).toBe(20);
    // 100 requests at 20 per 2 s need four full windows after the first: finishing at 8 s is the optimum.
    expect((admitted.at(-1) as number) - (admitted[0] as number)).toBe(8000);
  });

  it('admits in arrival order', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 2, windowMs: 1000 }], { marginMs: 0 });
    const order: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => limiter.acquire().then(() => order.push(i)));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('weighs requests by token cost on token rules and by one on request rules', async () => {
    const limiter = new RateLimiter(
      [
        { name: 'burst', limit: 10, windowMs: 2000 },
        { name: 'tokens', limit: 100, windowMs: 1000, unit: 'tokens' },
      ],
      { marginMs: 0 },
    );
    const admitted: number[] = [];
    const all = Array.from({ length: 10 }, () =>
      limiter.acquire({ tokens: 20 }).then(() => admitted.push(Date.now())),
    );
    await vi.runAllTimersAsync();
    await Promise.all(all);
    // 5 × 20 tokens fill the 1-second token window, so the second five wait for it: the request rule alone would not.
    const start = admitted[0] as number;
    expect(admitted.map((t) => t - start)).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000]);
  });

  it('adds the margin to every window', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 1, windowMs: 1000 }], { marginMs: 100 });
    const admitted: number[] = [];
    const all = [limiter.acquire(), limiter.acquire()].map((p) => p.then(() => admitted.push(Date.now())));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect((admitted[1] as number) - (admitted[0] as number)).toBe(1100);
  });

  it('counts a reserved request until its answer, then for one window from the answer', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 1, windowMs: 1000 }]);
    const first = await limiter.reserve();
    let second: number | undefined;
    const waiting = limiter.reserve().then((permit) => {
      second = Date.now();
      permit.settle();
    });
    // The first answer takes 5 s: the window cannot free up while it is in flight, whatever its length.
    await vi.advanceTimersByTimeAsync(5000);
    expect(second).toBeUndefined();
    const answeredAt = Date.now();
    first.settle();
    first.settle(); // a second settle changes nothing
    await vi.advanceTimersByTimeAsync(999);
    expect(second).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    // No margin needed: the server has counted the request by the time it answered.
    expect(second).toBe(answeredAt + 1000);
  });

  it('reserves without waiting when there is room, and says when there is not', async () => {
    const limiter = new RateLimiter([
      { name: 'burst', limit: 1, windowMs: 1000 },
      { name: 'daily', kind: 'budget', limit: 5, windowMs: 86_400_000, unit: 'tokens' },
    ]);
    const permit = limiter.reserveNow({ tokens: 2 });
    expect(permit).toBeDefined();
    expect(limiter.reserveNow({ tokens: 2 }), 'the burst window is full').toBeUndefined();
    permit?.settle();
    await vi.advanceTimersByTimeAsync(1000);
    limiter.reserveNow({ tokens: 2 })?.settle();
    await vi.advanceTimersByTimeAsync(1000);
    // 4 of 5 tokens spent: a request of 2 is refused at once, synchronously.
    expect(() => limiter.reserveNow({ tokens: 2 })).toThrow(RateLimitError);
  });

  it('fails fast with the reset time when a budget is spent, and refills at the reset', async () => {
    const midnight = Date.parse('2025-06-02T00:00:00Z');
    const limiter = new RateLimiter(
      [
        {
          name: 'daily',
          limit: 50,
          windowMs: 86_400_000,
          unit: 'tokens',
          kind: 'budget',
          nextResetAt: () => midnight,
        },
      ],
      { provider: 'pipedrive' },
    );
    await limiter.acquire({ tokens: 20 });
    await limiter.acquire({ tokens: 20 });
    const error = await limiter.acquire({ tokens: 20 }).catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'daily', retryable: false, provider: 'pipedrive' });
    expect((error as RateLimitError).resetAt?.toISOString()).toBe('2025-06-02T00:00:00.000Z');
    await limiter.acquire({ tokens: 10 });

    vi.setSystemTime(midnight + 1);
    await expect(limiter.acquire({ tokens: 20 })).resolves.toBeUndefined();
  });

  it('believes the server about a budget: remaining 0 stops the next request', async () => {
    const limiter = new RateLimiter([
      { name: 'daily', limit: 30_000, windowMs: 86_400_000, unit: 'tokens', kind: 'budget' },
    ]);
    await limiter.acquire({ tokens: 20 });
    const resetAt = Date.now() + 3_600_000;
    limiter.observe({ rule: 'daily', remaining: 0, resetAt });
    const error = (await limiter.acquire({ tokens: 6 }).catch((caught: unknown) => caught)) as RateLimitError;
    expect(error.kind).toBe('daily');
    expect(error.resetAt?.getTime()).toBe(resetAt);
  });

  it('fails queued requests when the budget runs out while they wait', async () => {
    const limiter = new RateLimiter(
      [
        { name: 'burst', limit: 1, windowMs: 1000 },
        { name: 'daily', limit: 2, windowMs: 86_400_000, kind: 'budget' },
      ],
      { marginMs: 0 },
    );
    const results = await Promise.allSettled([
      limiter.acquire(),
      limiter.acquire(),
      limiter.acquire(),
      vi.runAllTimersAsync(),
    ]);
    expect(results.slice(0, 3).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  });

  it('holds every request after a server-reported full window', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 40, windowMs: 2000 }], { marginMs: 0 });
    limiter.observe({ rule: 'burst', remaining: 0, resetAt: Date.now() + 1500 });
    const admitted: number[] = [];
    const start = Date.now();
    const request = limiter.acquire().then(() => admitted.push(Date.now() - start));
    await vi.runAllTimersAsync();
    await request;
    expect(admitted).toEqual([1500]);
  });

  it('counts what the server has counted beyond its own requests: another client on the same quota', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 10, windowMs: 1000 }], { marginMs: 0 });
    await limiter.acquire();
    await limiter.acquire();
    // The server has 3 left: 7 used, of which this client sent 2.
    limiter.observe({ rule: 'burst', remaining: 3, resetAt: Date.now() + 800 });
    expect(limiter.state()).toEqual([{ rule: 'burst', remaining: 3 }]);
    const start = Date.now();
    const admitted: number[] = [];
    const requests = Array.from({ length: 4 }, () =>
      limiter.acquire().then(() => admitted.push(Date.now() - start)),
    );
    await vi.runAllTimersAsync();
    await Promise.all(requests);
    expect(admitted).toEqual([0, 0, 0, 800]);
    // A server that has counted less than this client sent changes nothing.
    const other = new RateLimiter([{ name: 'burst', limit: 10, windowMs: 1000 }], { marginMs: 0 });
    await other.acquire();
    other.observe({ rule: 'burst', remaining: 9, resetAt: Date.now() + 800 });
    other.observe({ rule: 'burst', remaining: 10 });
    expect(other.state()).toEqual([{ rule: 'burst', remaining: 9 }]);
  });

  it('pauses everything until a given time', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 100, windowMs: 1000 }]);
    const start = Date.now();
    limiter.pauseUntil(start + 700);
    const waits: { rule: string; waitMs: number }[] = [];
    const paused = new RateLimiter([{ name: 'burst', limit: 100, windowMs: 1000 }], {
      onWait: (event) => waits.push({ rule: event.rule, waitMs: event.waitMs }),
    });
    paused.pauseUntil(start + 700);
    const done = Promise.all([limiter.acquire(), paused.acquire()]).then(() => Date.now() - start);
    await vi.runAllTimersAsync();
    expect(await done).toBe(700);
    expect(waits).toEqual([{ rule: 'paused', waitMs: 700 }]);
  });

  it('keeps a pause when told to pause until an Invalid Date (NaN), which would compare false everywhere', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 100, windowMs: 1000 }]);
    const start = Date.now();
    limiter.pauseUntil(start + 700);
    limiter.pauseUntil(Number.NaN);
    const done = limiter.acquire().then(() => Date.now() - start);
    await vi.runAllTimersAsync();
    expect(await done).toBe(700);
  });

  it('waits out a server reset beyond the longest timer (24.8 days) without spinning', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 5, windowMs: 60_000 }], { marginMs: 0 });
    const thirtyDays = 30 * 24 * 3600 * 1000;
    limiter.observe({ rule: 'burst', remaining: 0, resetAt: Date.now() + thirtyDays });
    const delays: number[] = [];
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const done = limiter.acquire();
    await vi.advanceTimersByTimeAsync(1000);
    delays.push(...setTimer.mock.calls.map((call) => call[1] ?? 0));
    setTimer.mockRestore();
    // One timer, at the longest delay setTimeout keeps: not one firing every millisecond.
    expect(delays).toEqual([2_147_483_647]);
    await vi.advanceTimersByTimeAsync(thirtyDays);
    await done;
  });

  it('reports which rule holds a request back', async () => {
    const waits: string[] = [];
    const limiter = new RateLimiter([{ name: 'per-minute', limit: 1, windowMs: 60_000 }], {
      marginMs: 0,
      onWait: (event) => waits.push(`${event.rule}:${event.waitMs}:${event.operation}`),
    });
    await limiter.acquire();
    const second = limiter.acquire({ operation: 'list' });
    await vi.runAllTimersAsync();
    await second;
    expect(waits).toEqual(['per-minute:60000:list']);
  });

  it('lets an aborted request leave the queue without blocking the others', async () => {
    const limiter = new RateLimiter([{ name: 'burst', limit: 1, windowMs: 1000 }], { marginMs: 0 });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire({ signal: controller.signal });
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBeUndefined();
  });

  it('disarms its timer when the last waiter leaves, so an aborted run can exit at once', async () => {
    const limiter = new RateLimiter([{ name: 'per-minute', limit: 1, windowMs: 60_000 }], { marginMs: 0 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses costs that could never fit and invalid rules', () => {
    const limiter = new RateLimiter([{ name: 'tokens', limit: 10, windowMs: 1000, unit: 'tokens' }]);
    return Promise.all([
      expect(limiter.acquire({ tokens: 11 })).rejects.toThrow(/never fit/),
      expect(limiter.acquire({ tokens: -1 })).rejects.toThrow(/invalid request cost/),
      expect(() => new RateLimiter([{ name: 'x', limit: 0, windowMs: 1 }])).toThrow(/positive/),
    ]);
  });

  it('reports its state', async () => {
    const limiter = new RateLimiter([
      { name: 'burst', limit: 5, windowMs: 1000 },
      { name: 'daily', limit: 100, windowMs: 86_400_000, unit: 'tokens', kind: 'budget' },
    ]);
    await limiter.acquire({ tokens: 30 });
    expect(limiter.state()).toEqual([
      { rule: 'burst', remaining: 4 },
      { rule: 'daily', remaining: 70, resetAt: Date.now() + 86_400_000 },
    ]);
  });
});
