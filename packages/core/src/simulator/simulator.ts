/**
 * The shell every provider simulator runs in. A provider supplies `respond` (a stateful Request → Response
 * function that behaves like its API) and how its API renders failures; this shell adds latency, fault
 * injection, request counting, an in-process `fetch`, and a real localhost HTTP server. msw handlers come
 * from `@goalbridge/core/msw`.
 */
import { sleep } from '../http/retry-timing.ts';
import { FAULTS_BEFORE, FaultController, type FaultKind } from './faults.ts';
import { type RunningServer, type ServeOptions, serve } from './server.ts';

/** Thrown by a simulator to make the transport drop the connection. */
export class NetworkFault extends Error {
  readonly kind: 'reset';
  constructor(message = 'connection reset by simulator') {
    super(message);
    this.name = 'NetworkFault';
    this.kind = 'reset';
  }
}

export function isNetworkFault(error: unknown): error is NetworkFault {
  return error instanceof Error && error.name === 'NetworkFault';
}

/** How a provider's API looks when it fails, for injected faults. */
export interface FaultRenderer {
  serverError(request: Request): Response;
  /**
   * A 429 as the provider sends it; `retryAfterSeconds` undefined means no Retry-After header. `waitSeconds`
   * is the wait the fault plan uses (see `FaultController.setRateLimitWait`), for providers that state it
   * in headers of their own as well.
   */
  rateLimited(request: Request, retryAfterSeconds: number | undefined, waitSeconds: number): Response;
  /**
   * The rate-limit headers the provider's API layer puts on its answers, as they stand for `request` right
   * now: read without counting the request or spending budget; `{}` where the API would answer before its
   * limiter (unknown route, bad credentials). The shell adds them to injected 429s and JSON 5xx answers,
   * beneath the headers the fault's own answer sets (a 429's `remaining: 0`, its reset), and never copies
   * `Retry-After` from here: whether a 429 carries one is the fault variant's choice. The HTML 502 gets none:
   * it stands for a proxy in front of the API, which never saw the request. Leave it out for providers whose
   * reference documents no such headers.
   */
  rateLimitHeaders?(request: Request): Record<string, string>;
}

export interface SimulatorDefinition {
  provider: string;
  /** Origins (scheme + host) the simulator answers for in msw, e.g. `https://api.pipedrive.com`. */
  origins: readonly string[];
  respond(request: Request): Promise<Response>;
  faults: FaultRenderer;
  seed?: number;
}

export interface SimulatorStats {
  /** Requests received, including refused and faulted ones. */
  requests: number;
  /** Requests per `METHOD /path` (no query). */
  byRoute: Map<string, number>;
}

export interface Simulator {
  readonly provider: string;
  readonly origins: readonly string[];
  /** Handles one request; throws NetworkFault where the connection should drop. */
  handle(request: Request): Promise<Response>;
  /** An in-process fetch that reaches this simulator without a network (dropped connections reject like fetch). */
  readonly fetch: typeof globalThis.fetch;
  /** Starts a real HTTP server on localhost (ephemeral port by default). */
  listen(options?: ServeOptions): Promise<RunningServer>;
  readonly faults: FaultController;
  readonly stats: SimulatorStats;
}

/** The longest a simulated hang lasts when the client never gives up. */
const HANG_LIMIT_MS = 120_000;

export function createSimulator(definition: SimulatorDefinition): Simulator {
  const faults = new FaultController(definition.seed);
  const stats: SimulatorStats = { requests: 0, byRoute: new Map() };

  async function handle(request: Request): Promise<Response> {
    stats.requests++;
    const route = `${request.method} ${new URL(request.url).pathname}`;
    stats.byRoute.set(route, (stats.byRoute.get(route) ?? 0) + 1);
    const delay = faults.delay();
    if (delay > 0) await sleep(delay, request.signal);
    const fault = faults.draw(request);
    if (fault && FAULTS_BEFORE.has(fault)) return faultBefore(fault, request);
    const response = await definition.respond(request);
    return fault ? faultAfter(fault, request, response) : response;
  }

  /** The provider's current rate-limit headers under an injected answer from its API layer. */
  function withRateLimitHeaders(response: Response, request: Request): Response {
    const headers = definition.faults.rateLimitHeaders?.(request) ?? {};
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'retry-after' || response.headers.has(name)) continue;
      response.headers.set(name, value);
    }
    return response;
  }

  function faultBefore(kind: FaultKind, request: Request): Response {
    switch (kind) {
      case 'server-error':
        return withRateLimitHeaders(definition.faults.serverError(request), request);
      case 'rate-limit':
        return withRateLimitHeaders(
          definition.faults.rateLimited(request, faults.rateLimitWaitSeconds, faults.rateLimitWaitSeconds),
          request,
        );
      case 'rate-limit-no-retry-after':
        return withRateLimitHeaders(
          definition.faults.rateLimited(request, undefined, faults.rateLimitWaitSeconds),
          request,
        );
      // A gateway's page: the API behind it, and so its rate-limit headers, never saw the request.
      case 'html-error':
        return new Response(
          '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>Bad gateway</body></html>',
          {
            status: 502,
            headers: { 'content-type': 'text/html' },
          },
        );
      default:
        throw new NetworkFault();
    }
  }

  async function faultAfter(kind: FaultKind, request: Request, response: Response): Promise<Response> {
    if (kind === 'truncated') {
      const text = await response.text();
      // Nothing to cut short (a 204): the answer is lost instead, as the connection drops after the change.
      if (text === '') throw new NetworkFault();
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
        status: response.status,
        headers,
      });
    }
    if (kind === 'timeout-after') await sleep(HANG_LIMIT_MS, request.signal).catch(() => undefined);
    throw new NetworkFault();
  }

  const simulator: Simulator = {
    provider: definition.provider,
    origins: definition.origins,
    handle,
    fetch: createInProcessFetch(handle),
    listen: (options) => serve(handle, options),
    faults,
    stats,
  };
  return simulator;
}

/** A fetch function served by `handle` in this process. */
export function createInProcessFetch(
  handle: (request: Request) => Promise<Response>,
): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    request.signal.throwIfAborted();
    const aborted = new Promise<never>((_, reject) => {
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
    });
    try {
      return await Promise.race([handle(request), aborted]);
    } catch (error) {
      if (isNetworkFault(error)) {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error(error.message), { code: 'ECONNRESET' }),
        });
      }
      throw error;
    }
  };
}
