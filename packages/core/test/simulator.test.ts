import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { type GoalbridgeError, TransientError } from '../src/errors.ts';
import { HttpClient } from '../src/http/http-client.ts';
import { toMswHandlers } from '../src/msw/index.ts';
import {
  createRandom,
  createSimulator,
  type FaultKind,
  type FaultRenderer,
  jsonResponse,
  nextUtcMidnight,
  ResettingBudget,
  Router,
  type Simulator,
  SlidingWindowCounter,
  uuidV4,
} from '../src/simulator/index.ts';

/** A test provider's 500 and 429 answers; the 429 carries `rateLimitedHeaders` and any Retry-After. */
function faultAnswers(rateLimitedHeaders: Record<string, string> = {}): FaultRenderer {
  return {
    serverError: () => jsonResponse(500, { error: 'boom' }),
    rateLimited: (_request, retryAfter) =>
      jsonResponse(
        429,
        { error: 'slow' },
        {
          ...rateLimitedHeaders,
          ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
        },
      ),
  };
}

/** A counter API: POST /api/items adds an item, GET /api/items lists them. */
function counterSimulator(): Simulator & { items: string[] } {
  const items: string[] = [];
  const router = new Router<(request: Request, params: Record<string, string>) => Promise<Response>>()
    .add('GET', '/api/items', async () => jsonResponse(200, { items }))
    .add('GET', '/api/items/:id', async (_request, params) =>
      items.includes(params.id as string)
        ? jsonResponse(200, { id: params.id })
        : jsonResponse(404, { error: 'no' }),
    )
    .add('POST', '/api/items', async (request) => {
      const { name } = (await request.json()) as { name: string };
      items.push(name);
      return jsonResponse(201, { name, count: items.length });
    })
    .add('DELETE', '/api/items/:id', async (_request, params) => {
      items.splice(items.indexOf(params.id as string), 1);
      return new Response(null, { status: 204 });
    });
  const simulator = createSimulator({
    provider: 'counter',
    origins: ['https://counter.test'],
    async respond(request) {
      const match = router.match(request.method, new URL(request.url).pathname);
      if (match === 'method-not-allowed') return jsonResponse(405, { error: 'method' });
      if (!match) return jsonResponse(404, { error: 'route' });
      return match.handler(request, match.params);
    },
    faults: faultAnswers(),
  });
  return Object.assign(simulator, { items });
}

const post = (name: string) =>
  new Request('https://counter.test/api/items', { method: 'POST', body: JSON.stringify({ name }) });

describe('router', () => {
  const router = new Router<string>().add('GET', '/v1/goals/:id', 'get').add('PUT', '/v1/goals/:id', 'put');

  it('matches method and path, decoding each parameter as one segment', () => {
    expect(router.match('GET', '/v1/goals/abc')).toMatchObject({ handler: 'get', params: { id: 'abc' } });
    expect(router.match('GET', '/v1/goals/..%2Fdeals')).toMatchObject({ params: { id: '../deals' } });
    expect(router.match('DELETE', '/v1/goals/abc')).toBe('method-not-allowed');
    expect(router.match('GET', '/v1/goals/abc/extra')).toBeUndefined();
    expect(router.match('GET', '/v1/goals/%E0%A4%A')).toBeUndefined();
  });
});

describe('simulator shell', () => {
  it('serves requests in process and counts them by route', async () => {
    const sim = counterSimulator();
    await sim.fetch(post('a'));
    const list = await sim.fetch('https://counter.test/api/items');
    expect(await list.json()).toEqual({ items: ['a'] });
    expect(sim.stats.requests).toBe(2);
    expect(sim.stats.byRoute.get('POST /api/items')).toBe(1);
  });

  it('fails before acting: nothing changes', async () => {
    const sim = counterSimulator();
    sim.faults.schedule({ kind: 'server-error' });
    sim.faults.schedule({ kind: 'rate-limit' });
    sim.faults.schedule({ kind: 'rate-limit-no-retry-after' });
    sim.faults.schedule({ kind: 'html-error' });
    expect((await sim.fetch(post('a'))).status).toBe(500);
    const limited = await sim.fetch(post('a'));
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await sim.fetch(post('a'))).headers.get('retry-after')).toBeNull();
    const html = await sim.fetch(post('a'));
    expect([html.status, (await html.text()).startsWith('<!DOCTYPE html>')]).toEqual([502, true]);
    sim.faults.schedule({ kind: 'reset-before' });
    await expect(sim.fetch(post('a'))).rejects.toThrow(TypeError);
    expect(sim.items).toEqual([]);
  });

  it("puts the provider's current rate-limit headers on injected 429s and JSON 5xx, not on the gateway page", async () => {
    let remaining = 7;
    const seen: string[] = [];
    const sim = createSimulator({
      provider: 'limited',
      origins: ['https://limited.test'],
      respond: async () => jsonResponse(200, {}, { 'x-limit': '10', 'x-remaining': String(--remaining) }),
      faults: {
        ...faultAnswers({ 'x-remaining': '0' }),
        rateLimitHeaders: (request) => {
          seen.push(request.method);
          return { 'x-limit': '10', 'x-remaining': String(remaining), 'Retry-After': '99' };
        },
      },
    });
    const headers = async (kind?: FaultKind) => {
      if (kind) sim.faults.schedule({ kind });
      const response = await sim.fetch('https://limited.test/x');
      return [
        response.status,
        ...['x-limit', 'x-remaining', 'retry-after'].map((h) => response.headers.get(h)),
      ];
    };
    expect(await headers()).toEqual([200, '10', '6', null]);
    // The fault's own headers win; Retry-After is only ever the fault variant's.
    expect(await headers('rate-limit')).toEqual([429, '10', '0', '1']);
    expect(await headers('rate-limit-no-retry-after')).toEqual([429, '10', '0', null]);
    expect(await headers('server-error')).toEqual([500, '10', '6', null]);
    expect(await headers('html-error')).toEqual([502, null, null, null]);
    // Read, not counted: the next real answer spends the next unit.
    expect(await headers()).toEqual([200, '10', '5', null]);
    expect(seen).toEqual(['GET', 'GET', 'GET']);
  });

  it('tells clients how long to wait after an injected 429, scaled down on request', async () => {
    const sim = counterSimulator();
    sim.faults.setRateLimitWait(0.05);
    sim.faults.schedule({ kind: 'rate-limit' });
    expect((await sim.fetch(post('a'))).headers.get('retry-after')).toBe('0.05');
    expect(() => sim.faults.setRateLimitWait(0)).toThrow(RangeError);
    expect(sim.faults.rateLimitWaitSeconds).toBe(0.05);
  });

  it('fails after acting: the change happened but the answer is lost or broken', async () => {
    const sim = counterSimulator();
    sim.faults.schedule({ kind: 'reset-after' });
    await expect(sim.fetch(post('a'))).rejects.toMatchObject({ cause: { code: 'ECONNRESET' } });
    sim.faults.schedule({ kind: 'truncated' });
    const truncated = await sim.fetch(post('b'));
    await expect(truncated.json()).rejects.toThrow(SyntaxError);
    expect(sim.items).toEqual(['a', 'b']);
    // An answer without a body cannot be cut short: it is lost, as the connection drops after the change.
    sim.faults.schedule({ kind: 'truncated' });
    const removal = new Request('https://counter.test/api/items/a', { method: 'DELETE' });
    await expect(sim.fetch(removal)).rejects.toMatchObject({ cause: { code: 'ECONNRESET' } });
    expect(sim.items).toEqual(['b']);
  });

  it('hangs after acting until the client gives up', async () => {
    const sim = counterSimulator();
    sim.faults.schedule({ kind: 'timeout-after' });
    const started = Date.now();
    await expect(sim.fetch(post('a'), { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sim.items).toEqual(['a']);
  });

  it('draws random faults at the configured rate, repeatably for a seed', async () => {
    const run = async (seed: number) => {
      const sim = counterSimulator();
      sim.faults.setRandom({ rate: 0.3, kinds: ['server-error'] }, seed);
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await sim.fetch('https://counter.test/api/items')).status);
      return statuses;
    };
    const first = await run(7);
    expect(first).toEqual(await run(7));
    const failed = first.filter((status) => status === 500).length;
    expect(failed).toBeGreaterThan(35);
    expect(failed).toBeLessThan(85);
  });

  it('only faults matching requests', async () => {
    const sim = counterSimulator();
    sim.faults.setRandom({ rate: 1, kinds: ['server-error'], match: (request) => request.method === 'POST' });
    expect((await sim.fetch('https://counter.test/api/items')).status).toBe(200);
    expect((await sim.fetch(post('a'))).status).toBe(500);
  });

  it('adds latency', async () => {
    const sim = counterSimulator();
    sim.faults.setLatency({ ms: 40 });
    const started = performance.now();
    await sim.fetch('https://counter.test/api/items');
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('makes dropped connections look like network errors to the HTTP client', async () => {
    const sim = counterSimulator();
    const client = new HttpClient({
      provider: 'counter',
      baseURL: 'https://counter.test/api',
      fetch: sim.fetch,
      retry: false,
    });
    sim.faults.schedule({ kind: 'reset-after' });
    const error = await client
      .request({ method: 'POST', path: 'items', json: { name: 'x' } })
      .catch((e: unknown) => e);
    expect(TransientError.isInstance(error)).toBe(true);
    expect((error as GoalbridgeError).outcomeUnknown).toBe(true);
  });
});

describe('simulator over real HTTP', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('listens on an ephemeral localhost port and shuts down cleanly', async () => {
    const sim = counterSimulator();
    const server = await sim.listen();
    close = server.close;
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${server.url}/api/items`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x' }),
    });
    expect([created.status, await created.json()]).toEqual([201, { name: 'x', count: 1 }]);
    expect((await fetch(`${server.url}/api/items/x`)).status).toBe(200);
    await server.close();
    close = undefined;
    await expect(fetch(`${server.url}/api/items`)).rejects.toThrow();
  });

  it('drops the connection for a reset fault', async () => {
    const sim = counterSimulator();
    const server = await sim.listen();
    close = server.close;
    sim.faults.schedule({ kind: 'reset-before' });
    await expect(fetch(`${server.url}/api/items`)).rejects.toThrow(TypeError);
    expect((await fetch(`${server.url}/api/items`)).status).toBe(200);
  });
});

describe('msw bridge', () => {
  it('serves the simulator to the global fetch and maps resets to network errors', async () => {
    const sim = counterSimulator();
    const server = setupServer(...toMswHandlers(sim));
    server.listen({ onUnhandledFrame: 'error' });
    try {
      expect((await fetch('https://counter.test/api/items')).status).toBe(200);
      sim.faults.schedule({ kind: 'reset-before' });
      await expect(fetch('https://counter.test/api/items')).rejects.toThrow(TypeError);
    } finally {
      server.close();
    }
  });
});

describe('server-side accounting', () => {
  it('counts a sliding window and reports when it frees up', () => {
    const window = new SlidingWindowCounter(2, 1000);
    expect(window.hit(0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(window.hit(100)).toMatchObject({ allowed: true, remaining: 0, resetMs: 900 });
    expect(window.hit(500)).toMatchObject({ allowed: false, remaining: 0, resetMs: 500 });
    expect(window.hit(1000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(window.peek(1000)).toMatchObject({ allowed: false, remaining: 0 });
    expect(window.peek(1100)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('spends a budget and refills it at midnight', () => {
    const start = Date.parse('2025-06-01T23:00:00Z');
    const budget = new ResettingBudget(30, nextUtcMidnight, start);
    expect(budget.spend(20, start)).toMatchObject({ allowed: true, remaining: 10 });
    expect(budget.spend(20, start)).toMatchObject({
      allowed: false,
      remaining: 10,
      resetAt: Date.parse('2025-06-02T00:00:00Z'),
    });
    expect(budget.spend(20, Date.parse('2025-06-02T00:00:01Z'))).toMatchObject({
      allowed: true,
      remaining: 10,
    });
  });

  it('makes valid v4 uuids from a seed', () => {
    const random = createRandom(3);
    const id = uuidV4(random);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV4(createRandom(3))).toBe(id);
  });
});
