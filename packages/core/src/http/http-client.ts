/**
 * The one HTTP path every provider uses: ky for the request, p-retry as the only retry layer, the rate limiter
 * before every attempt, typed errors after every response, and redaction on everything that leaves.
 *
 * It is on every request's path, so it does per request only what that request needs: ky is loaded on the
 * first request (it tests the platform when imported), headers and the retry policy are assembled once, p-retry
 * is set up only after an attempt failed, and what only errors and hooks read (redacted URL and text) is made
 * when first read.
 */
import type { KyInstance } from 'ky';
import pRetry from 'p-retry';
import { concatBytes } from '../bytes.ts';
import {
  AuthError,
  ConflictError,
  GoalbridgeError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  TimeoutError,
  TransientError,
  ValidationError,
} from '../errors.ts';
import type { MappingWarning } from '../model/warnings.ts';
import type {
  AcquireOptions,
  RateLimiter,
  RateLimitObservation,
  RateLimitPermit,
  RateLimitWaitEvent,
} from '../rate-limit/rate-limiter.ts';
import { VERSION } from '../version.ts';
import { notify } from './notify.ts';
import { type QueryValue, requestHref, trimBaseUrl } from './path.ts';
import { redactHeaders, redactUrl, SecretRegistry } from './redact.ts';
import { type BackoffOptions, backoffDelay, parseRetryAfter, sleep } from './retry-timing.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path under the base URL; build it with `urlPath` so values are encoded. */
  path: string;
  query?: Readonly<Record<string, QueryValue>> | undefined;
  json?: unknown;
  headers?: Readonly<Record<string, string>> | undefined;
  /** Rate-limit cost in tokens (Pipedrive: find 20, add 10, ...). Default 1. */
  cost?: number | undefined;
  /** Name for hooks and errors: `find`, `create`, ... */
  operation?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** The caller vouches that repeating this write is harmless (e.g. a full-replacement PUT). */
  idempotent?: boolean | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or `undefined` for an empty or non-JSON body. Not redacted: never log it whole. */
  body: unknown;
  /** The body text, redacted: safe for errors and logs. */
  readonly text: string;
  readonly requestId: string | undefined;
  /** The request URL, redacted. */
  readonly url: string;
  request: HttpRequest;
}

export interface HttpRequestEvent {
  provider: string;
  operation: string | undefined;
  method: HttpMethod;
  url: string;
  attempt: number;
  headers: Record<string, string>;
}

export interface HttpResponseEvent extends HttpRequestEvent {
  status: number;
  durationMs: number;
  requestId: string | undefined;
}

export interface HttpRetryEvent extends HttpRequestEvent {
  delayMs: number;
  error: { code: string; message: string; status: number | undefined };
}

/** A warning raised while reading: what a goal read could not carry exactly, or what the provider warned. */
export interface WarningEvent extends MappingWarning {
  provider: string;
  operation: string;
  goalId?: string | undefined;
}

/**
 * Observability hooks, passed to every adapter. They see redacted data only, cost nothing when absent, and
 * only observe: an exception thrown by one is dropped (`notify`). (Warnings of writes come back in
 * `WriteResult.warnings`; `onWarning` reports those of reads.)
 */
export interface HttpHooks {
  onRequest?: (event: HttpRequestEvent) => void;
  onResponse?: (event: HttpResponseEvent) => void;
  onRetry?: (event: HttpRetryEvent) => void;
  onWarning?: (event: WarningEvent) => void;
  /**
   * A request waits for the adapter's rate limiter: told once per request as it begins to wait, with the
   * expected wait; with a limiter shared between adapters, once the request is let through, with the time it
   * waited (see `HttpClientOptions.rateLimiterShared`).
   */
  onRateLimitWait?: (event: RateLimitWaitEvent) => void;
}

/** Reports read warnings through `hooks.onWarning`, if anyone listens. */
export function reportReadWarnings(
  hooks: HttpHooks | undefined,
  context: { provider: string; operation: string; goalId?: string | undefined },
  warnings: readonly MappingWarning[],
): void {
  const onWarning = hooks?.onWarning;
  if (!onWarning) return;
  for (const warning of warnings) notify(onWarning, { ...warning, ...context });
}

export interface RetryPolicy extends BackoffOptions {
  /** Retries after the first attempt. Default 4. */
  retries?: number;
  /** A server-requested wait longer than this fails instead of waiting. Default 120 s. */
  maxRetryAfterMs?: number;
}

export interface RetryDecisionContext {
  request: HttpRequest;
  error: GoalbridgeError;
  response: HttpResponse | undefined;
}

export interface HttpClientOptions {
  provider: string;
  baseURL: string;
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Credential headers, computed for every attempt so tokens can rotate. Their values are redacted everywhere.
   * Given the request, for its signal and time limit. A failure to get them fails the attempt, retried as the
   * policy allows, unless it is {@link alreadyRetried} (a token request that retried on its own).
   */
  authHeaders?:
    | ((request: HttpRequest) => Record<string, string> | Promise<Record<string, string>>)
    | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
  userAgent?: string | undefined;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number | undefined;
  retry?: RetryPolicy | false | undefined;
  rateLimiter?: RateLimiter | undefined;
  /**
   * The limiter is shared with other clients, so its `onWait` (if any) is its maker's: this client tells its
   * own `hooks.onRateLimitWait` of each of its requests the limiter held back, once let through, with the time
   * waited and the limit that was full (`queued` behind other requests, `paused` after a 429). Off, a limiter
   * made for this client tells the hook itself.
   */
  rateLimiterShared?: boolean | undefined;
  hooks?: HttpHooks | undefined;
  /** Provider error mapping; return an error for failures, including failures inside a 200. */
  classifyResponse?: ((response: HttpResponse) => GoalbridgeError | undefined) | undefined;
  /** Limit state from response headers, fed to the rate limiter. */
  readRateLimits?: ((response: HttpResponse) => RateLimitObservation[]) | undefined;
  /** May a failed write be sent again? Default: only when the server refused it with a burst 429. */
  isWriteRetrySafe?: ((context: RetryDecisionContext) => boolean) | undefined;
  /** Headers that carry a request id, first match wins. */
  requestIdHeaders?: readonly string[] | undefined;
}

const SAFE_METHODS = new Set<HttpMethod>(['GET']);
const DEFAULT_REQUEST_ID_HEADERS = ['x-request-id', 'x-correlation-id', 'x-cap-requestid', 'cf-ray'];
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_BODY_IN_ERROR = 2000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** One decoder for every body: a whole-buffer decode keeps no state between calls. */
const UTF8 = new TextDecoder();

/**
 * The largest answer read: far above any page the providers serve (a Plannr page of 500 goals is about 1 MiB),
 * so an answer that never ends, or a runaway one, cannot take the process's memory with it.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * A body as text, as `Response.text()` reads it, but from a reader its caller can cancel; undefined when it
 * grows past {@link MAX_ANSWER_BYTES}. Nothing is decoded once `stopped` says the answer is given up.
 */
async function readText(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  stopped: () => boolean,
): Promise<string | undefined> {
  // Decoded once from one buffer: a string per chunk would be joined, then copied again when JSON.parse flattens it.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk.value);
  }
  return stopped() ? '' : UTF8.decode(concatBytes(chunks));
}

/** Whether sending the request again cannot do anything twice. */
const isSafe = (request: HttpRequest) => SAFE_METHODS.has(request.method) || request.idempotent === true;

/** Failure details the retry decision needs beside the error itself. */
const failures = new WeakMap<GoalbridgeError, HttpResponse>();
/** Failures whatever raised them has retried already (see {@link alreadyRetried}). */
const retriedFailures = new WeakSet<object>();

/**
 * Marks a failure as retried already by what raised it — a shared token request with retries of its own — so
 * a request that meets it does not retry it again. Returns the error, to throw.
 */
export function alreadyRetried<E>(error: E): E {
  if (typeof error === 'object' && error !== null) retriedFailures.add(error);
  return error;
}

type KyModule = typeof import('ky');
let kyModule: Promise<KyModule> | undefined;
/** ky, imported on the first request: importing it builds a streaming Request to test the platform. */
const loadKy = (): Promise<KyModule> => {
  kyModule ??= import('ky');
  return kyModule;
};
let kyLoaded: KyModule | undefined;

/**
 * The option that carries a request's JSON text from ky to {@link sendWith}. ky passes options it does not
 * know to `fetch` unchanged; the request itself (URL, method, headers, abort signal, timeout) is ky's.
 */
const BODY_TEXT = 'goalbridgeBodyText';

/**
 * The `fetch` ky calls: the Request ky built (URL, method, headers, abort signal), with the JSON text as its
 * body. ky's Request has no body of its own, so undici reads the Request's fields directly and never pipes a
 * body stream through a copy; that is cheaper than taking the Request apart into a URL and an init.
 */
function sendWith(fetch: typeof globalThis.fetch) {
  return (request: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // ky always passes its Request; anything else goes through as given.
    if (!(request instanceof Request)) return fetch(request, init);
    const body = (init as Record<string, unknown> | undefined)?.[BODY_TEXT] as string | undefined;
    return body === undefined ? fetch(request) : fetch(request, { body });
  };
}

/**
 * A read answer. Its request id, redacted text and URL are made when first read: most answers are only parsed.
 */
class ReadResponse implements HttpResponse {
  status: number;
  headers: Headers;
  body: unknown = undefined;
  request: HttpRequest;
  readonly #raw: string;
  readonly #context: ReadContext;
  readonly #url: string;
  /** `null` until read from the headers. */
  #requestId: string | undefined | null = null;
  #text: string | undefined;
  #redactedUrl: string | undefined;

  constructor(raw: Response, rawText: string, request: HttpRequest, url: string, context: ReadContext) {
    this.status = raw.status;
    this.headers = raw.headers;
    this.request = request;
    this.#raw = rawText;
    this.#context = context;
    this.#url = url;
  }

  get requestId(): string | undefined {
    if (this.#requestId === null) this.#requestId = firstHeader(this.headers, this.#context.requestIdHeaders);
    return this.#requestId;
  }

  get text(): string {
    this.#text ??= this.#context.secrets.redact(this.#raw);
    return this.#text;
  }

  get url(): string {
    this.#redactedUrl ??= redactUrl(this.#url, this.#context.secrets.values());
    return this.#redactedUrl;
  }

  /** The raw text and the secrets to redact from it, for excerpts made on demand. */
  static source(response: HttpResponse): { raw: string; secrets: SecretRegistry } | undefined {
    return #raw in response ? { raw: response.#raw, secrets: response.#context.secrets } : undefined;
  }
}

function firstHeader(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  return undefined;
}

interface ReadContext {
  secrets: SecretRegistry;
  requestIdHeaders: readonly string[];
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | undefined)?.then === 'function';

export class HttpClient {
  readonly provider: string;
  readonly secrets = new SecretRegistry();
  readonly #options: HttpClientOptions;
  readonly #policy: RetryPolicy & { retries: number };
  /** The base URL without trailing slashes. */
  readonly #baseUrl: string;
  readonly #readContext: ReadContext;
  /** Lowercase names: the same header is never sent twice under two spellings. */
  readonly #baseHeaders: Record<string, string>;
  readonly #timeoutMs: number;
  #ky: KyInstance | undefined;
  /** The credential headers last seen, so unchanged ones are not registered again. */
  #lastAuth: Record<string, string> | undefined;

  constructor(options: HttpClientOptions) {
    this.provider = options.provider;
    this.#options = options;
    const policy = options.retry === false ? { retries: 0 } : (options.retry ?? {});
    this.#policy = { ...policy, retries: policy.retries ?? 4 };
    this.#baseUrl = trimBaseUrl(options.baseURL);
    this.#readContext = {
      secrets: this.secrets,
      requestIdHeaders: options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS,
    };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#baseHeaders = lowerCaseNames({
      accept: 'application/json',
      'user-agent': options.userAgent ?? `goalbridge/${VERSION} (${this.provider})`,
      ...options.headers,
    });
  }

  get rateLimiter(): RateLimiter | undefined {
    return this.#options.rateLimiter;
  }

  /** Sends the request (with retries as the policy allows) and returns a successful response or throws a typed error. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.#attempt(request, 1);
    } catch (error) {
      return this.#retry(request, error);
    }
  }

  /**
   * p-retry takes over after a failed first attempt (replayed to it as its own first attempt), so a request
   * that succeeds at once never sets it up, and it stays the only layer that decides and waits.
   */
  #retry(request: HttpRequest, firstFailure: unknown): Promise<HttpResponse> {
    const policy = this.#policy;
    return pRetry(
      (attempt) => (attempt === 1 ? Promise.reject(firstFailure) : this.#attempt(request, attempt)),
      {
        retries: policy.retries,
        minTimeout: 0,
        factor: 1,
        ...(request.signal ? { signal: request.signal } : {}),
        shouldConsumeRetry: () => true,
        shouldRetry: async ({ error, attemptNumber }) => {
          if (!GoalbridgeError.isInstance(error) || retriedFailures.has(error)) return false;
          const delayMs = this.#retryDelay(request, error, attemptNumber, policy);
          if (delayMs === undefined) return false;
          this.#emitRetry(request, attemptNumber, error, delayMs);
          await sleep(delayMs, request.signal);
          return true;
        },
      },
    );
  }

  #retryDelay(
    request: HttpRequest,
    error: GoalbridgeError,
    attempt: number,
    policy: RetryPolicy,
  ): number | undefined {
    if (!error.retryable) return undefined;
    const response = failures.get(error);
    if (!this.#mayRepeat(request, error, response)) return undefined;
    const requested = this.#serverDelay(error, response);
    if (requested !== undefined) {
      if (requested > (policy.maxRetryAfterMs ?? 120_000)) return undefined;
      if (RateLimitError.isInstance(error)) this.#options.rateLimiter?.pauseUntil(Date.now() + requested);
      return requested;
    }
    return backoffDelay(attempt, policy);
  }

  #mayRepeat(request: HttpRequest, error: GoalbridgeError, response: HttpResponse | undefined): boolean {
    if (isSafe(request)) return true;
    if (error.outcomeUnknown) return false;
    const context = { request, error, response };
    return (
      this.#options.isWriteRetrySafe?.(context) ??
      (RateLimitError.isInstance(error) && error.kind === 'burst')
    );
  }

  #serverDelay(error: GoalbridgeError, response: HttpResponse | undefined): number | undefined {
    if (RateLimitError.isInstance(error) && error.resetAt)
      return Math.max(0, error.resetAt.getTime() - Date.now());
    return parseRetryAfter(response?.headers.get('retry-after'));
  }

  async #attempt(request: HttpRequest, attempt: number): Promise<HttpResponse> {
    const url = requestHref(this.#baseUrl, request.path, request.query);
    // Credentials first: fetching a token may take a while and must not hold a rate-limit slot meanwhile.
    const pending = this.#options.authHeaders?.(request);
    const headers = this.#headers(request, (isPromise(pending) ? await pending : pending) ?? {});
    const send = this.#ky ?? (await this.#loadKy());
    const limiter = this.#options.rateLimiter;
    const admission = { tokens: request.cost ?? 1, signal: request.signal, operation: request.operation };
    // Admitted and sent in one turn when there is room: no answer can arrive between the check and the send.
    const permit = limiter && (limiter.reserveNow(admission) ?? (await this.#reserve(limiter, admission)));
    const hooks = this.#options.hooks;
    const started = hooks?.onResponse ? performance.now() : 0;
    if (hooks?.onRequest) notify(hooks.onRequest, this.#event(request, url, attempt, headers));

    let response: HttpResponse;
    try {
      response = await this.#read(await this.#send(send, request, url, headers), request, url);
      if (hooks?.onResponse) {
        notify(hooks.onResponse, {
          ...this.#event(request, url, attempt, headers),
          status: response.status,
          durationMs: performance.now() - started,
          requestId: response.requestId,
        });
      }
      const observe = this.#options.readRateLimits;
      if (observe) for (const item of observe(response)) this.#options.rateLimiter?.observe(item);
    } finally {
      // After what the answer says about the limits is known: a request it lets in must see it.
      permit?.settle();
    }
    const error = this.#options.classifyResponse?.(response) ?? defaultClassify(response, this.provider);
    if (error) {
      redactError(error, this.secrets);
      failures.set(error, response);
      throw error;
    }
    return response;
  }

  /** A permit the request waits for; with a shared limiter, the wait is told to `onRateLimitWait` here. */
  async #reserve(limiter: RateLimiter, admission: AcquireOptions): Promise<RateLimitPermit> {
    const onWait = this.#options.rateLimiterShared ? this.#options.hooks?.onRateLimitWait : undefined;
    if (!onWait) return limiter.reserve(admission);
    const rule = fullLimit(limiter, admission.tokens ?? 1);
    const queued = limiter.queued + 1;
    const started = performance.now();
    const permit = await limiter.reserve(admission);
    const waitMs = Math.round(performance.now() - started);
    notify(onWait, { provider: this.provider, operation: admission.operation, rule, waitMs, queued });
    return permit;
  }

  /** One request through ky; a failure to get an answer becomes a typed error. */
  async #send(
    send: KyInstance,
    request: HttpRequest,
    url: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    try {
      const body = request.json === undefined ? undefined : JSON.stringify(request.json);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      return await send(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { [BODY_TEXT]: body }),
        ...(request.timeoutMs === undefined ? {} : { timeout: request.timeoutMs }),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      throw this.#transportError(request, url, error);
    }
  }

  async #loadKy(): Promise<KyInstance> {
    // Request URLs are text joined to the base: a base that does not parse fails each request with the
    // URL parser's TypeError, as it always did, never as a transport error. (Any path joins a valid base.)
    new URL(this.#baseUrl);
    const loaded = await loadKy();
    kyLoaded = loaded;
    this.#ky ??= loaded.default.create({
      retry: 0,
      throwHttpErrors: false,
      timeout: this.#timeoutMs,
      fetch: sendWith(this.#options.fetch ?? ((input, init) => globalThis.fetch(input, init))),
    });
    return this.#ky;
  }

  /** Fresh credential headers over the fixed ones; request headers in between. */
  #headers(request: HttpRequest, auth: Record<string, string>): Record<string, string> {
    if (auth !== this.#lastAuth && !sameHeaders(auth, this.#lastAuth)) {
      this.secrets.addFromHeaders(auth);
      this.#lastAuth = auth;
    }
    const headers = { ...this.#baseHeaders };
    if (request.headers)
      for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name] as string;
    for (const name in auth) headers[name.toLowerCase()] = auth[name] as string;
    return headers;
  }

  async #read(raw: Response, request: HttpRequest, url: string): Promise<HttpResponse> {
    // The body is parsed from the raw text (a token endpoint's answer must stay readable); only the copy
    // that can end up in errors and logs, `text`, is redacted — when first asked for, since most answers are
    // only parsed and redacting every large page would be wasted work (excerpts redact only what they keep).
    const rawText = await this.#bodyText(raw, request, url);
    const response = new ReadResponse(raw, rawText, request, url, this.#readContext);
    if (isBlank(rawText)) return response;
    try {
      response.body = JSON.parse(rawText);
    } catch {
      if (raw.ok) {
        const safe = SAFE_METHODS.has(request.method);
        throw new InvalidResponseError(`${this.provider} sent a body that is not JSON (HTTP ${raw.status})`, {
          provider: this.provider,
          status: raw.status,
          requestId: response.requestId,
          body: bodyExcerpt(response),
          retryable: safe,
          // The server accepted the write; only its answer is unreadable.
          outcomeUnknown: !safe,
        });
      }
    }
    this.#reportProtoKeys(rawText, response);
    return response;
  }

  /**
   * `JSON.parse` keeps a `"__proto__"` key as an own key; schemas drop it and the Goal model refuses it, so it
   * is never kept. Observers hear about it, since nothing else would say it was there.
   */
  #reportProtoKeys(rawText: string, response: HttpResponse): void {
    const hooks = this.#options.hooks;
    if (!hooks?.onWarning || !(rawText.includes('__proto__') || rawText.includes('\\u'))) return;
    const context = { provider: this.provider, operation: response.request.operation ?? 'read' };
    const warnings = protoKeyPaths(response.body).map((field) => ({
      field,
      reason: 'the answer holds a "__proto__" key, which is never kept',
      action: 'ignored',
    }));
    reportReadWarnings(hooks, context, warnings);
  }

  /**
   * The answer's body, within the attempt's time limit (ky's ends when the headers arrive: a server that stalls
   * in the middle of a body would hold the request for undici's five minutes). A connection lost while the body
   * arrives is typed as one lost before it: retried for reads, outcome unknown for writes.
   */
  async #bodyText(raw: Response, request: HttpRequest, url: string): Promise<string> {
    const reader = raw.body?.getReader();
    if (!reader) return '';
    let stalled = false;
    const timer = setTimeout(() => {
      stalled = true;
      // Cancelling the body closes its connection, which would otherwise wait for the rest for minutes.
      reader.cancel().catch(() => undefined);
    }, request.timeoutMs ?? this.#timeoutMs);
    try {
      const text = await readText(reader, () => stalled);
      if (text === undefined) {
        throw new InvalidResponseError(
          `${this.provider} answered with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB: ${this.#where(request, url)}`,
          { provider: this.provider, status: raw.status, outcomeUnknown: !isSafe(request) },
        );
      }
      if (!stalled) return text;
    } catch (error) {
      if (!stalled)
        throw GoalbridgeError.isInstance(error) ? error : this.#transportError(request, url, error);
    } finally {
      clearTimeout(timer);
    }
    throw new TimeoutError(`${this.provider} stopped sending its answer: ${this.#where(request, url)}`, {
      provider: this.provider,
      outcomeUnknown: !isSafe(request),
      retryable: true,
    });
  }

  #where(request: HttpRequest, url: string): string {
    return `${request.method} ${redactUrl(url, this.secrets.values())}`;
  }

  #transportError(request: HttpRequest, url: string, error: unknown): unknown {
    if (request.signal?.aborted) return request.signal.reason;
    const safe = isSafe(request);
    const where = this.#where(request, url);
    if (kyLoaded?.isTimeoutError(error)) {
      return new TimeoutError(`${this.provider} did not answer in time: ${where}`, {
        provider: this.provider,
        outcomeUnknown: !safe,
        retryable: true,
      });
    }
    const code = errorCode(error);
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    if (kyLoaded?.isNetworkError(error) || code !== undefined) {
      return new TransientError(
        `connection to ${this.provider} failed${code ? ` (${code})` : ''}: ${where}`,
        {
          provider: this.provider,
          outcomeUnknown: !safe && !notSent,
          retryable: true,
        },
      );
    }
    // Anything else a fetch throws (a proxy agent, a custom fetch) is typed too, its message redacted: it may
    // name the request's headers. The original is not kept as `cause`, where nothing would redact it.
    const detail = this.secrets.redact(error instanceof Error ? error.message : String(error));
    return new TransientError(`request to ${this.provider} failed: ${where}: ${detail}`, {
      provider: this.provider,
      outcomeUnknown: !safe,
      retryable: safe,
    });
  }

  #event(
    request: HttpRequest,
    url: string,
    attempt: number,
    headers: Record<string, string>,
  ): HttpRequestEvent {
    return {
      provider: this.provider,
      operation: request.operation,
      method: request.method,
      url: redactUrl(url, this.secrets.values()),
      attempt,
      headers: redactHeaders(headers, this.secrets.values()),
    };
  }

  #emitRetry(request: HttpRequest, attempt: number, error: GoalbridgeError, delayMs: number): void {
    const onRetry = this.#options.hooks?.onRetry;
    if (!onRetry) return;
    const url = requestHref(this.#baseUrl, request.path, undefined);
    notify(onRetry, {
      ...this.#event(request, url, attempt, {}),
      delayMs,
      error: { code: error.code, message: error.message, status: error.status },
    });
  }
}

/** The limit a request costing `tokens` finds full, as far as the limiter's public state tells. */
function fullLimit(limiter: RateLimiter, tokens: number): string {
  const rules = new Map(limiter.rules.map((rule) => [rule.name, rule]));
  for (const { rule, remaining } of limiter.state()) {
    if (remaining < (rules.get(rule)?.unit === 'tokens' ? tokens : 1)) return rule;
  }
  return limiter.queued > 0 ? 'queued' : 'paused';
}

function lowerCaseNames(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) result[name.toLowerCase()] = headers[name] as string;
  return result;
}

function sameHeaders(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  if (!b) return false;
  let count = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

/** True for an empty or whitespace-only text, without copying it (`trim` would copy a whole page). */
function isBlank(text: string): boolean {
  return /^\s*$/.test(text);
}

/** Scrubs secrets a server echoed from an error built out of its answer (message and issue messages). */
function redactError(error: GoalbridgeError, secrets: SecretRegistry): void {
  error.message = secrets.redact(error.message);
  const withIssues = error as { issues?: readonly { path: string; message: string }[] };
  if (Array.isArray(withIssues.issues)) {
    Object.defineProperty(error, 'issues', {
      value: withIssues.issues.map((issue) => ({ ...issue, message: secrets.redact(issue.message) })),
    });
  }
}

/** Paths of the first few `"__proto__"` keys in parsed JSON (iterative: any depth is safe). */
function protoKeyPaths(root: unknown, limit = 5): string[] {
  const paths: string[] = [];
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0 && paths.length < limit) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value !== 'object' || value === null) continue;
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key === '__proto__') paths.push(at);
      else stack.push([(value as Record<string, unknown>)[key], at]);
    }
  }
  return paths;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function truncate(text: string): string {
  return text.length > MAX_BODY_IN_ERROR
    ? `${text.slice(0, MAX_BODY_IN_ERROR)}… (${text.length} chars)`
    : text;
}

/** A short message from common error body shapes (`error`, `message`, `errors[0].message`). */
export function messageFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['error', 'message', 'error_info', 'detail', 'title']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  const first = Array.isArray(record.errors)
    ? (record.errors[0] as Record<string, unknown> | undefined)
    : undefined;
  return typeof first?.message === 'string' ? first.message : undefined;
}

/**
 * Status-code mapping used when a provider does not claim the response: 401 auth, 403 permission, 404 not
 * found, 409 conflict, 400/422 validation, 429 burst rate limit, 408/5xx transient.
 */
export function defaultClassify(response: HttpResponse, provider: string): GoalbridgeError | undefined {
  const { status } = response;
  if (status < 400) return undefined;
  const detail =
    messageFromBody(response.body) ?? (response.text ? truncate(response.text).slice(0, 200) : '');
  const message = `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const options = { provider, status, requestId: response.requestId };
  if (status === 401) return new AuthError(message, options);
  if (status === 403) return new PermissionError(message, options);
  if (status === 404) return new NotFoundError(message, options);
  if (status === 409) return new ConflictError(message, options);
  if (status === 400 || status === 422) return new ValidationError([{ path: '', message }], options);
  if (status === 429) {
    const waitMs = parseRetryAfter(response.headers.get('retry-after'));
    return new RateLimitError(message, {
      ...options,
      kind: 'burst',
      resetAt: waitMs === undefined ? undefined : new Date(Date.now() + waitMs),
    });
  }
  if (status === 408 || status >= 500) return new TransientError(message, options);
  return new InvalidResponseError(message, { ...options, body: bodyExcerpt(response) });
}

/** Body text for error payloads: redacted already, cut to a readable size. */
export function bodyExcerpt(response: HttpResponse): string {
  const source = ReadResponse.source(response);
  if (!source || source.raw.length <= MAX_BODY_IN_ERROR) return truncate(response.text);
  const { raw, secrets } = source;
  // Redact a slice that stays longer than what is kept by more than any secret as written (an encoded echo
  // can be longer than the secret), even after redaction shortened it: a secret the slice cuts in two can
  // then never reach the part kept.
  const needed = MAX_BODY_IN_ERROR + secrets.longestWrittenForm() + 64;
  for (let size = needed + 256; size < raw.length; size *= 2) {
    const head = secrets.redact(raw.slice(0, size));
    if (head.length >= needed) return `${head.slice(0, MAX_BODY_IN_ERROR)}… (${raw.length} chars)`;
  }
  return truncate(response.text);
}
