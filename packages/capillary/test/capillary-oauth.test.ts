/**
 * OAuth tokens are shared by every request of an adapter: the token request retries on its own, each request
 * waits for it only within its own signal and time limit, and a refused token is dropped only by a request
 * that went out with it.
 */
import { GoalbridgeError, TimeoutError } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { type CapillaryAdapterOptions, createCapillaryAdapter } from '../src/index.ts';
import { CAPILLARY_SANDBOX, createCapillarySimulator } from '../src/testing/index.ts';
import { NOW, quarterly } from './capillary-test-kit.ts';

const isTokenCall = (request: Request) => new URL(request.url).pathname.endsWith('/oauth/token/generate');

function oauthAdapter(fetch: typeof globalThis.fetch, options: Partial<CapillaryAdapterOptions> = {}) {
  return createCapillaryAdapter({
    auth: CAPILLARY_SANDBOX.oauth,
    fetch,
    rateLimits: false,
    retry: { retries: 2, baseDelayMs: 1, jitter: false },
    now: () => NOW,
    ...options,
  });
}

/** A token endpoint that never answers; the request ends only when its signal aborts. */
const hangingTokenCall = (request: Request) =>
  new Promise<Response>((_, reject) => {
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });

async function settledWithin(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { error, ms: performance.now() - started };
}

describe('Capillary OAuth tokens shared by concurrent requests', () => {
  it('a failing token endpoint is retried by the token request alone, not again by each retry of the call', async () => {
    let tokenCalls = 0;
    const retries: string[] = [];
    const adapter = oauthAdapter(
      async (input, init) => {
        const request = new Request(input, init);
        if (!isTokenCall(request)) throw new Error(`unexpected ${request.method} ${request.url}`);
        tokenCalls++;
        const body = { data: null, errors: [{ code: 503, message: 'down' }] };
        return Response.json(body, { status: 503 });
      },
      { hooks: { onRetry: (event) => retries.push(event.operation ?? '') } },
    );
    const { error } = await settledWithin(adapter.get('2301'));
    expect(GoalbridgeError.isInstance(error)).toBe(true);
    expect(tokenCalls).toBe(3);
    expect(retries).toEqual(['token', 'token']);
  });

  it('a create whose token cannot be had fails before it is sent, and is not looked up as a possible write', async () => {
    const sent: string[] = [];
    const adapter = oauthAdapter(async (input, init) => {
      const request = new Request(input, init);
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      const body = { data: null, errors: [{ code: 503, message: 'down' }] };
      return Response.json(body, { status: 503 });
    });
    const { error } = await settledWithin(adapter.create(quarterly()));
    expect([GoalbridgeError.isInstance(error), (error as GoalbridgeError).outcomeUnknown]).toEqual([
      true,
      false,
    ]);
    expect(sent).toEqual(Array(3).fill('POST /v3/oauth/token/generate'));
  });

  it.each([
    ['its abort signal', { signal: AbortSignal.timeout(50) }],
    ['its time limit', { timeoutMs: 50 }],
  ] as const)('a call waiting for a token that does not come ends with %s', async (_name, call) => {
    const adapter = oauthAdapter(
      async (input, init) => {
        const request = new Request(input, init);
        if (isTokenCall(request)) return hangingTokenCall(request);
        throw new Error(`unexpected ${request.method} ${request.url}`);
      },
      { timeoutMs: 10_000 },
    );
    const { error, ms } = await settledWithin(adapter.get('2301', call));
    // The token request's own limit (10 s, then retries) is far beyond: the call ended on its own.
    expect(ms).toBeLessThan(5_000);
    if ('timeoutMs' in call) {
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('oauth/token/generate');
    } else {
      expect((error as Error).name).toBe('TimeoutError');
    }
  });

  it('a request refused with a token another request has already renewed keeps the new token', async () => {
    const simulator = createCapillarySimulator({ rateLimit: false, now: () => NOW });
    let tokenCalls = 0;
    let hold: { entered: () => void; released: Promise<void> } | undefined;
    const adapter = oauthAdapter(async (input, init) => {
      const request = new Request(input, init);
      if (isTokenCall(request)) tokenCalls++;
      else if (hold) {
        const held = hold;
        hold = undefined;
        held.entered();
        await held.released;
      }
      return simulator.fetch(request);
    });
    const { goal } = await adapter.create(quarterly());
    expect(tokenCalls).toBe(1);
    simulator.expireTokens();

    // The first read goes out with the expired token and is held; a second read is refused, renews the
    // token and succeeds; then the first one's refusal arrives.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const entered = new Promise<void>((resolve) => {
      hold = { entered: resolve, released };
    });
    const first = adapter.get(goal.id);
    await entered;
    await expect(adapter.get(goal.id)).resolves.toMatchObject({ id: goal.id });
    expect(tokenCalls).toBe(2);
    release();
    await expect(first).resolves.toMatchObject({ id: goal.id });
    expect(tokenCalls).toBe(2);
  });
});
