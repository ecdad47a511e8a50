import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  AuthError,
  GoalbridgeError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  TimeoutError,
  TransientError,
  ValidationError,
} from '../src/errors.ts';
import {
  alreadyRetried,
  HttpClient,
  type HttpClientOptions,
  type HttpRetryEvent,
} from '../src/http/http-client.ts';
import { MAX_SERVER_WAIT_MS, parseRetryAfter } from '../src/http/retry-timing.ts';
import { parseAnswerOrThrow } from '../src/model/validate.ts';
import { RateLimiter, type RateLimitWaitEvent } from '../src/rate-limit/rate-limiter.ts';

const BASE = 'https://api.example.test/v1';
const TOKEN = 'tok_SECRET_abc123XYZ';
const server = setupServer();
let calls: Request[] = [];

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  calls = [];
});
afterAll(() => server.close());

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    provider: 'example',
    baseURL: BASE,
    authHeaders: () => ({ 'x-api-token': TOKEN }),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

/** Answers in turn with each response; records every request. */
function sequence(
  method: 'get' | 'post',
  path: string,
  ...responses: (() => Response | Promise<Response>)[]
) {
  let index = 0;
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      calls.push(request.clone());
      const respond = responses[Math.min(index++, responses.length - 1)] as () => Response;
      return respond();
    }),
  );
}

const ok = () => HttpResponse.json({ ok: true });
const status =
  (code: number, body: object = { error: `status ${code}` }, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json(body, { status: code, headers });

async function failure(promise: Promise<unknown>): Promise<GoalbridgeError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(GoalbridgeError.isInstance(error), `expected a GoalbridgeError, got ${String(error)}`).toBe(true);
  return error as GoalbridgeError;
}

describe('requests', () => {
  it('builds the URL under the base path, sends auth, JSON and a user agent', async () => {
    server.use(
      http.post(`${BASE}/goals`, async ({ request }) => {
        calls.push(request.clone());
        return HttpResponse.json({ echo: await request.json() });
      }),
    );
    const response = await client().request({
      method: 'POST',
      path: 'goals',
      query: { ids: [1, 2], skip: undefined, flag: true },
      json: { title: 'x' },
    });
    expect(response.body).toEqual({ echo: { title: 'x' } });
    const request = calls[0] as Request;
    expect(new URL(request.url).search).toBe('?ids=1&ids=2&flag=true');
    expect(request.headers.get('x-api-token')).toBe(TOKEN);
    expect(request.headers.get('content-type')).toMatch(/application\/json/);
    expect(request.headers.get('user-agent')).toMatch(/^goalbridge\/\d+\.\d+\.\d+ \(example\)$/);
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return Response.json({ injected: true });
    };
    const response = await client({ fetch: fetch as typeof globalThis.fetch }).request({
      method: 'GET',
      path: 'x',
    });
    expect(response.body).toEqual({ injected: true });
    expect(seen).toEqual([`${BASE}/x`]);
  });

  it('reads fresh credentials for each attempt', async () => {
    let n = 0;
    sequence('get', '/goals', status(503), ok);
    await client({ authHeaders: () => ({ authorization: `Bearer token-${++n}` }) }).request({
      method: 'GET',
      path: 'goals',
    });
    expect(calls.map((c) => c.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2']);
  });
});

describe('retries', () => {
  it('retries a read after 5xx with backoff, and reports each retry', async () => {
    sequence('get', '/goals', status(502), status(503), ok);
    const retries: HttpRetryEvent[] = [];
    const response = await client({ hooks: { onRetry: (event) => retries.push(event) } }).request({
      method: 'GET',
      path: 'goals',
      operation: 'find',
    });
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.error.status, r.operation])).toEqual([
      [1, 502, 'find'],
      [2, 503, 'find'],
    ]);
    for (const retry of retries) expect(retry.delayMs).toBeLessThanOrEqual(5);
  });

  it('waits as long as Retry-After says (seconds), pausing the rate limiter too', async () => {
    sequence('get', '/goals', status(429, { error: 'slow down' }, { 'retry-after': '1' }), ok);
    const limiter = new RateLimiter([{ name: 'burst', limit: 100, windowMs: 1000 }]);
    const delays: number[] = [];
    let otherRequestWaited: Promise<number> | undefined;
    const started = Date.now();
    const onRetry = (event: HttpRetryEvent) => {
      delays.push(event.delayMs);
      // Any other request through the same limiter now waits for the reset as well.
      const asked = Date.now();
      otherRequestWaited = limiter.acquire().then(() => Date.now() - asked);
    };
    await client({ rateLimiter: limiter, hooks: { onRetry } }).request({ method: 'GET', path: 'goals' });
    expect(calls).toHaveLength(2);
    expect(delays[0]).toBeGreaterThan(900);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(await otherRequestWaited).toBeGreaterThanOrEqual(900);
  });

  it('waits until a Retry-After HTTP date', async () => {
    const at = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000).toUTCString();
    sequence('get', '/goals', status(503, { error: 'maintenance' }, { 'retry-after': at }), ok);
    const delays: number[] = [];
    await client({ hooks: { onRetry: (e) => delays.push(e.delayMs) } }).request({
      method: 'GET',
      path: 'goals',
    });
    expect(calls).toHaveLength(2);
    expect(delays[0]).toBeGreaterThan(400);
    expect(delays[0]).toBeLessThanOrEqual(2500);
  });

  it('stops reading an answer past 64 MiB, at once and once: an InvalidResponseError, not the memory of the process', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    sequence('get', '/goals', () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent++;
          controller.enqueue(chunk); // never ends on its own
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const error = await failure(client().request({ method: 'GET', path: 'goals' }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/answered with more than 64 MiB/);
    expect(calls).toHaveLength(1);
    expect(sent).toBeLessThan(80);
  });

  it('gives up instead of waiting longer than maxRetryAfterMs', async () => {
    sequence('get', '/goals', status(429, { error: 'later' }, { 'retry-after': '3600' }), ok);
    const error = await failure(
      client({ retry: { maxRetryAfterMs: 10_000 } }).request({ method: 'GET', path: 'goals' }),
    );
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("reads a Retry-After too large for a Date (a gateway's 2^64 - 1) as a year: fails now, limiter intact", async () => {
    sequence('get', '/goals', status(429, { error: 'later' }, { 'retry-after': '18446744073709551615' }), ok);
    const limiter = new RateLimiter([{ name: 'burst', limit: 5, windowMs: 60_000 }], { marginMs: 0 });
    const error = (await failure(
      client({ rateLimiter: limiter }).request({ method: 'GET', path: 'goals' }),
    )) as RateLimitError;
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(Number.isNaN(error.resetAt?.getTime() ?? Number.NaN)).toBe(false);
    expect(() => JSON.stringify(error)).not.toThrow();
    expect(parseRetryAfter('18446744073709551615')).toBe(MAX_SERVER_WAIT_MS);
  });

  it.each([
    [400, ValidationError],
    [401, AuthError],
    [403, PermissionError],
    [404, NotFoundError],
    [422, ValidationError],
  ])('does not retry %i', async (code, type) => {
    sequence('get', '/goals', status(code), ok);
    const error = await failure(client().request({ method: 'GET', path: 'goals' }));
    expect(type.isInstance(error)).toBe(true);
    expect(error.status).toBe(code);
    expect(calls).toHaveLength(1);
  });

  it('stops after the configured number of retries with the last error', async () => {
    sequence('get', '/goals', status(500));
    const error = await failure(
      client({ retry: { retries: 2, baseDelayMs: 1 } }).request({ method: 'GET', path: 'goals' }),
    );
    expect(TransientError.isInstance(error)).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('never re-sends a POST blindly after a 5xx', async () => {
    sequence('post', '/goals', status(500), ok);
    const error = await failure(client().request({ method: 'POST', path: 'goals', json: {} }));
    expect(TransientError.isInstance(error)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('re-sends a POST the server refused with a burst 429 (outcome known)', async () => {
    sequence('post', '/goals', status(429, { error: 'over limit' }, { 'retry-after': '0' }), ok);
    await client().request({ method: 'POST', path: 'goals', json: {} });
    expect(calls).toHaveLength(2);
  });

  it('re-sends a write when the hook says its outcome is known', async () => {
    sequence('post', '/goals', status(503), ok);
    await client({ isWriteRetrySafe: ({ error }) => error.status === 503 }).request({
      method: 'POST',
      path: 'goals',
      json: {},
    });
    expect(calls).toHaveLength(2);
  });

  it('retries a reset connection on a read, and marks a write outcome unknown', async () => {
    sequence('get', '/goals', () => HttpResponse.error(), ok);
    await client().request({ method: 'GET', path: 'goals' });
    expect(calls).toHaveLength(2);

    calls = [];
    sequence('post', '/goals', () => HttpResponse.error(), ok);
    const error = await failure(client().request({ method: 'POST', path: 'goals', json: {} }));
    expect(TransientError.isInstance(error)).toBe(true);
    expect(error.outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });
});

describe('credentials that fail', () => {
  it('a credential function failing once with a retryable error is retried as the policy allows', async () => {
    sequence('get', '/goals', ok);
    let reads = 0;
    const authHeaders = () => {
      reads++;
      if (reads === 1) throw new TransientError('vault briefly unavailable', { retryable: true });
      return { 'x-api-token': TOKEN };
    };
    await client({ authHeaders }).request({ method: 'GET', path: 'goals' });
    expect([reads, calls.length]).toEqual([2, 1]);
  });

  it('a failure marked alreadyRetried (a token request that retried on its own) is not retried again', async () => {
    sequence('get', '/goals', ok);
    let reads = 0;
    const authHeaders = async () => {
      reads++;
      throw alreadyRetried(new TransientError('token endpoint down', { retryable: true }));
    };
    const error = await failure(client({ authHeaders }).request({ method: 'GET', path: 'goals' }));
    expect([TransientError.isInstance(error), reads, calls.length]).toEqual([true, 1, 0]);
  });
});

describe('timeouts and cancellation', () => {
  it('times out a read and retries it', async () => {
    sequence(
      'get',
      '/slow',
      async () => {
        await delay(300);
        return ok();
      },
      ok,
    );
    const response = await client({ timeoutMs: 50 }).request({ method: 'GET', path: 'slow' });
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('times out a write once and reports the outcome as unknown', async () => {
    sequence('post', '/slow', async () => {
      await delay(300);
      return ok();
    });
    const error = await failure(
      client({ timeoutMs: 50 }).request({ method: 'POST', path: 'slow', json: {} }),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('honours a per-request timeout over the client default', async () => {
    sequence('get', '/slow', async () => {
      await delay(200);
      return ok();
    });
    const error = await failure(
      client({ timeoutMs: 10_000, retry: false }).request({ method: 'GET', path: 'slow', timeoutMs: 30 }),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
  });

  it('stops at once when the caller aborts, with the caller reason', async () => {
    sequence('get', '/slow', async () => {
      await delay(500);
      return ok();
    });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 20);
    await expect(client().request({ method: 'GET', path: 'slow', signal: controller.signal })).rejects.toBe(
      reason,
    );
    expect(calls).toHaveLength(1);
  });
});

describe('responses', () => {
  it('turns a non-JSON success body into InvalidResponseError with the redacted body', async () => {
    sequence('get', '/goals', () => new HttpResponse(`<html>token ${TOKEN}</html>`, { status: 200 }));
    const error = (await failure(
      client({ retry: false }).request({ method: 'GET', path: 'goals' }),
    )) as InvalidResponseError;
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.body).toContain('<html>token [REDACTED]</html>');
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
    expect(error.outcomeUnknown).toBe(false);
  });

  it('marks a write whose success answer is unreadable (truncated JSON) as outcome unknown, without retrying', async () => {
    sequence('post', '/goals', () => new HttpResponse('{"success":true,"data":{"go', { status: 200 }));
    const error = await failure(client().request({ method: 'POST', path: 'goals', json: {} }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('reads an HTML error page (Cloudflare 403) as a permission error', async () => {
    sequence(
      'get',
      '/goals',
      () => new HttpResponse('<!DOCTYPE html><title>Access denied</title>', { status: 403 }),
    );
    const error = await failure(client().request({ method: 'GET', path: 'goals' }));
    expect(PermissionError.isInstance(error)).toBe(true);
    expect(error.message).toContain('Access denied');
  });

  it('lets the provider classify failures inside a 200', async () => {
    sequence('get', '/goals', () => HttpResponse.json({ success: false, error: 'Goal not found' }));
    const error = await failure(
      client({
        classifyResponse: (response) =>
          (response.body as { success?: boolean }).success === false
            ? new NotFoundError('gone', { provider: 'example' })
            : undefined,
      }).request({ method: 'GET', path: 'goals' }),
    );
    expect(NotFoundError.isInstance(error)).toBe(true);
  });

  it('carries the request id', async () => {
    sequence('get', '/goals', status(404, { error: 'nope' }, { 'x-correlation-id': 'corr-1' }));
    expect((await failure(client().request({ method: 'GET', path: 'goals' }))).requestId).toBe('corr-1');
  });

  it('parses an answer, or refuses it with the schema issues, the redacted excerpt and the request id', async () => {
    const Shape = z.object({ data: z.object({ id: z.number() }) });
    sequence(
      'get',
      '/things',
      () => HttpResponse.json({ data: { id: 7 } }),
      () =>
        HttpResponse.json({ data: { id: 'seven' }, echo: TOKEN }, { headers: { 'x-request-id': 'req-9' } }),
    );
    const http = client();
    const read = async () => {
      const response = await http.request({ method: 'GET', path: 'things' });
      return parseAnswerOrThrow(Shape, response.body, response, { provider: 'example', what: 'thing' });
    };
    expect(await read()).toEqual({ data: { id: 7 } });
    const error = await read().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      message: expect.stringContaining('example sent an unexpected thing: data.id:'),
      requestId: 'req-9',
      issues: [{ path: 'data.id', message: expect.any(String) }],
      body: expect.stringContaining('"seven"'),
      outcomeUnknown: false,
    });
    expect((error as InvalidResponseError).body).not.toContain(TOKEN);
  });

  it('refuses an answer to a write in the wrong shape as outcome unknown: the write was accepted', async () => {
    const Shape = z.object({ data: z.object({ id: z.number() }) });
    sequence('post', '/things', () => HttpResponse.json({ success: true, data: { id: 'x' } }));
    const http = client();
    for (const idempotent of [false, true]) {
      const response = await http.request({ method: 'POST', path: 'things', json: {}, idempotent });
      const error = await failure(
        (async () =>
          parseAnswerOrThrow(Shape, response.body, response, { provider: 'example', what: 'thing' }))(),
      );
      expect([InvalidResponseError.isInstance(error), error.outcomeUnknown]).toEqual([true, true]);
    }
  });

  it('feeds server-reported limits to the rate limiter, so a spent budget stops the next request', async () => {
    sequence('get', '/goals', () =>
      HttpResponse.json({ ok: true }, { headers: { 'x-daily-remaining': '0' } }),
    );
    const limiter = new RateLimiter([
      { name: 'daily', limit: 1000, windowMs: 86_400_000, kind: 'budget', unit: 'tokens' },
    ]);
    const api = client({
      rateLimiter: limiter,
      readRateLimits: (response) => [
        { rule: 'daily', remaining: Number(response.headers.get('x-daily-remaining')) },
      ],
    });
    await api.request({ method: 'GET', path: 'goals', cost: 20 });
    const error = await failure(api.request({ method: 'GET', path: 'goals', cost: 20 }));
    expect(RateLimitError.isInstance(error) && error.kind).toBe('daily');
    expect(calls).toHaveLength(1);
  });

  it("with a shared limiter, tells each client's onRateLimitWait of its own requests that waited", async () => {
    sequence('get', '/goals', ok);
    const byLimiter: RateLimitWaitEvent[] = [];
    const limiter = new RateLimiter([{ name: 'per-second', limit: 1, windowMs: 60 }], {
      onWait: (event) => byLimiter.push(event),
    });
    const heard = { a: [] as RateLimitWaitEvent[], b: [] as RateLimitWaitEvent[] };
    const sharing = (name: 'a' | 'b') =>
      client({
        rateLimiter: limiter,
        rateLimiterShared: true,
        hooks: { onRateLimitWait: (event) => heard[name].push(event) },
      });
    const [a, b] = [sharing('a'), sharing('b')];
    const get = (http: HttpClient, operation: string) =>
      http.request({ method: 'GET', path: 'goals', operation });
    await Promise.all([get(a, 'first'), get(b, 'second'), get(a, 'third')]);
    expect(heard.b).toMatchObject([{ provider: 'example', operation: 'second', rule: 'per-second' }]);
    expect(heard.a).toMatchObject([{ operation: 'third', rule: 'per-second' }]);
    // The time waited: the first answer, then its window of 60 ms.
    for (const event of [...heard.a, ...heard.b]) expect(event.waitMs).toBeGreaterThanOrEqual(55);
    // The limiter's own hook is its maker's, and still hears every wait.
    expect(byLimiter.map((event) => event.operation)).toEqual(['second', 'third']);
    // A limiter made for one client: only its own onWait tells.
    const own = client({ rateLimiter: limiter, hooks: { onRateLimitWait: (event) => heard.a.push(event) } });
    await Promise.all([get(own, 'fourth'), get(own, 'fifth')]);
    expect(heard.a).toHaveLength(1);
  });
});

describe('redaction', () => {
  it('keeps a token out of error messages even when the server echoes it', async () => {
    sequence('get', '/goals', status(401, { error: `invalid token ${TOKEN}` }));
    const error = await failure(client().request({ method: 'GET', path: 'goals' }));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).toContain('[REDACTED]');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(TOKEN);
  });

  it('keeps a token out when it is echoed with escaped slashes (PHP, Laravel) or lowercase percent-encoding', async () => {
    const secret = 'Zk9/q+Lm3vT8/wXy2==';
    const forms = ['Bearer Zk9\\/q+Lm3vT8\\/wXy2==', 'Zk9%2fq%2bLm3vT8%2fwXy2%3d%3d'];
    for (const [statusCode, echo] of [
      [500, forms[0]],
      [409, forms[1]],
      [200, forms[0]],
    ] as const) {
      sequence('get', '/goals', () => new Response(`{"error":"${echo}"`, { status: statusCode }));
      const error = await failure(
        client({ retry: false, authHeaders: () => ({ authorization: `Bearer ${secret}` }) }).request({
          method: 'GET',
          path: 'goals',
        }),
      );
      const seen = `${error.message} ${inspect(error)} ${JSON.stringify(error)}`;
      expect(seen).not.toContain(echo);
      expect(seen).not.toContain('Lm3vT8');
      server.resetHandlers();
    }
  });

  it('keeps a token echoed in a validation error out of the issue messages too', async () => {
    sequence('post', '/goals', status(422, { message: `token ${TOKEN} is wrong` }));
    const error = await failure(client().request({ method: 'POST', path: 'goals', json: {} }));
    expect(
      JSON.stringify({ message: error.message, issues: (error as ValidationError).issues }),
    ).not.toContain(TOKEN);
  });

  it('parses a body that contains a credential-like field, so token endpoints stay readable', async () => {
    sequence('post', '/oauth/token', () =>
      HttpResponse.json({ data: { accessToken: 'eyJhbGciOiJ.abc.def', ttlSeconds: 300 } }),
    );
    const response = await client().request({ method: 'POST', path: 'oauth/token', json: { key: 'k' } });
    expect(response.body).toEqual({ data: { accessToken: 'eyJhbGciOiJ.abc.def', ttlSeconds: 300 } });
    expect(response.text).not.toContain('eyJhbGciOiJ.abc.def');
  });

  it('redacts tokens in query strings, headers and basic auth from hook payloads and errors', async () => {
    const basic = `Basic ${btoa('till:5f4dcc3b5aa765d61d8327deb882cf99')}`;
    sequence('get', '/goals', status(500, { message: 'boom' }), ok);
    const payloads: unknown[] = [];
    const api = client({
      authHeaders: () => ({ authorization: basic, 'x-api-token': TOKEN }),
      hooks: {
        onRequest: (event) => payloads.push(event),
        onResponse: (event) => payloads.push(event),
        onRetry: (event) => payloads.push(event),
      },
    });
    await api.request({ method: 'GET', path: 'goals', query: { api_token: TOKEN, title: 'x' } });
    const text = JSON.stringify(payloads);
    expect(payloads.length).toBe(5);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('5f4dcc3b5aa765d61d8327deb882cf99');
    expect(text).not.toContain(basic.slice(6));
    expect(text).toContain('api_token=[REDACTED]');
    expect(text).toContain('title=x');
  });
});

describe('hooks that throw', () => {
  const broken = () => {
    throw new Error('metrics sink down');
  };

  it('change nothing: every request answers, and no rate-limit permit is leaked', async () => {
    sequence('get', '/goals', ok);
    const limiter = new RateLimiter([{ name: 'burst', limit: 2, windowMs: 60_000 }], { marginMs: 0 });
    const http = client({
      rateLimiter: limiter,
      hooks: { onRequest: broken, onResponse: broken, onWarning: broken },
    });
    for (let n = 0; n < 2; n++)
      expect((await http.request({ method: 'GET', path: 'goals' })).status).toBe(200);
    // Both answers came, so both permits were settled: the window holds exactly the two requests made.
    expect(limiter.state()[0]).toMatchObject({ rule: 'burst', remaining: 0 });
    expect(calls).toHaveLength(2);
  });

  it('that are async and reject are dropped too, never an unhandled rejection', async () => {
    sequence('get', '/goals', ok);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const rejecting = async () => {
        throw new Error('metrics sink down');
      };
      const http = client({ hooks: { onRequest: rejecting, onResponse: rejecting } });
      expect((await http.request({ method: 'GET', path: 'goals' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('of a retry or a rate-limit wait do not escape from a timer either', async () => {
    sequence('get', '/goals', status(503), ok);
    const limiter = new RateLimiter([{ name: 'burst', limit: 1, windowMs: 30 }], {
      marginMs: 0,
      onWait: broken,
    });
    const http = client({ rateLimiter: limiter, hooks: { onRetry: broken } });
    const answers = await Promise.all([1, 2, 3].map(() => http.request({ method: 'GET', path: 'goals' })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  });
});

describe('prototype keys in answers', () => {
  it('tells observers of every "__proto__" key an answer holds, escaped or not, at any depth', async () => {
    const deep = `${'{"a":'.repeat(5000)}{"__proto__":1}${'}'.repeat(5000)}`;
    const body = `{"items":[{"id":1,"__proto__":{"polluted":true}},{"id":2,"\\u005f_proto__":{"x":1}}],"deep":${deep}}`;
    sequence('get', '/items', () => new Response(body, { headers: { 'content-type': 'application/json' } }));
    const warnings: { field: string; reason: string }[] = [];
    const response = await client({ hooks: { onWarning: (warning) => warnings.push(warning) } }).request({
      method: 'GET',
      path: 'items',
      operation: 'list',
    });
    expect(warnings.map((warning) => warning.field).sort()).toEqual([
      `deep${'.a'.repeat(5000)}.__proto__`,
      'items.0.__proto__',
      'items.1.__proto__',
    ]);
    expect(warnings[0]?.reason).toBe('the answer holds a "__proto__" key, which is never kept');
    expect((response.body as { items: object[] }).items[0]).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a fetch that fails in its own way', () => {
  it('is a typed TransientError whose message no longer names the credential', async () => {
    const proxyFetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      throw new Error(`proxy refused: x-api-token=${request.headers.get('x-api-token')}`);
    };
    const error = await client({ fetch: proxyFetch, retry: false })
      .request({ method: 'POST', path: 'items', json: {} })
      .catch((caught: unknown) => caught);
    expect(TransientError.isInstance(error), String(error)).toBe(true);
    expect((error as TransientError).outcomeUnknown).toBe(true);
    expect((error as Error).message).toBe(
      'request to example failed: POST https://api.example.test/v1/items: proxy refused: x-api-token=[REDACTED]',
    );
    expect((error as Error).cause).toBeUndefined();
  });
});

describe('excerpts of large answers', () => {
  it('keep no credential, wherever the cut falls, while only the part kept is redacted', async () => {
    const leakedPrefixes = new Set<string>();
    for (let at = 1900; at <= 2400; at += 7) {
      const body = `${'x'.repeat(at)}${TOKEN}${'y'.repeat(5000)}`;
      sequence('get', '/big', () => new Response(body, { status: 200 }));
      const error = (await client({ retry: false })
        .request({ method: 'GET', path: 'big' })
        .catch((caught: unknown) => caught)) as InvalidResponseError;
      expect(InvalidResponseError.isInstance(error)).toBe(true);
      const excerpt = error.body ?? '';
      expect(excerpt.endsWith(`… (${body.length} chars)`)).toBe(true);
      for (let length = 4; length <= TOKEN.length; length++) {
        if (excerpt.slice(0, 2000).endsWith(TOKEN.slice(0, length))) leakedPrefixes.add(`${at}:${length}`);
      }
      expect(excerpt).not.toContain(TOKEN);
      server.resetHandlers();
    }
    expect([...leakedPrefixes]).toEqual([]);
  });

  it('keep no part of a credential echoed percent-encoded, much longer than it was sent', async () => {
    const secret = 'k/'.repeat(40);
    const echoed = encodeURIComponent(secret); // twice as long: 160 characters
    const leaked = new Set<string>();
    // An inline credential shortened by redaction shifts the encoded echo towards the part kept.
    for (let inline = 250; inline <= 268; inline += 3) {
      for (let filler = 1960; filler <= 1980; filler += 4) {
        const body = `api_token=${'v'.repeat(inline)} ${'x'.repeat(filler)}${echoed}${'y'.repeat(5000)}`;
        sequence('get', '/big', () => new Response(body, { status: 200 }));
        const error = (await client({ retry: false, authHeaders: () => ({ 'x-api-token': secret }) })
          .request({ method: 'GET', path: 'big' })
          .catch((caught: unknown) => caught)) as InvalidResponseError;
        const kept = (error.body ?? '').slice(0, 2000);
        for (let length = 4; length <= echoed.length; length++) {
          if (kept.endsWith(echoed.slice(0, length))) leaked.add(`${inline}:${filler}:${length}`);
        }
        expect(error.body).not.toContain(echoed);
        server.resetHandlers();
      }
    }
    expect([...leaked]).toEqual([]);
  });
});
