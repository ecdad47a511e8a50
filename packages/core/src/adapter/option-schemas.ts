/**
 * Schemas for the options every adapter takes — credentials, fetch, hooks, retry, timeouts, rate-limit rules —
 * so each provider validates them the same way (strictly: a misspelt option is a ConfigError naming it).
 */
import * as z from 'zod';
import type { HttpHooks, RetryPolicy } from '../http/http-client.ts';
import { MAX_TIMER_MS } from '../http/retry-timing.ts';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.ts';
import type { SecretSource } from './credentials.ts';

/** A function value (zod cannot describe its signature; TypeScript does at the call site). */
export function functionSchema<T>(message = 'must be a function') {
  return z.custom<T>((value) => typeof value === 'function', message);
}

const CONTROL_CHARACTER = /\p{Cc}/u;
export const CONTROL_CHARACTER_MESSAGE = 'must not contain line breaks or other control characters';

/**
 * Whether `text` holds a line break, NUL or other control character. A header cannot carry one (a CR/LF would
 * split it): every request would fail, far from the setting that caused it.
 */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/** A header name: an RFC 9110 token. */
export const HeaderNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a header name (letters, digits and !#$%&'*+-.^_`|~)");

/** Control characters a header value cannot hold: all but the tab, which RFC 9110 allows inside one. */
const HEADER_VALUE_CONTROL = /[^\P{Cc}\t]/u;

/** A header value: no control characters but tabs, and bytes only (fetch refuses characters past U+00FF). */
export const HeaderValueSchema = z
  .string()
  .refine(
    (text) => !HEADER_VALUE_CONTROL.test(text),
    'must not contain line breaks or control characters other than tabs',
  )
  .refine((text) => !/[\u0100-\u{10ffff}]/u.test(text), 'must hold only Latin-1 characters (up to U+00FF)');

/** Extra headers by name; a bad name is reported with the rule it breaks, not zod's "Invalid key in record". */
export const HeadersSchema = z.record(HeaderNameSchema, HeaderValueSchema, {
  error: (issue) => (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined),
});

/** A credential: a non-empty string, or a function read before each request (for rotating tokens). */
export const SecretSourceSchema = z.union(
  [
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .refine((text) => !hasControlCharacter(text), CONTROL_CHARACTER_MESSAGE),
    functionSchema<() => string | Promise<string>>(),
  ],
  { error: 'must be a non-empty string or a function returning one' },
) as z.ZodType<SecretSource>;

export const HooksSchema = z.strictObject({
  onRequest: functionSchema<NonNullable<HttpHooks['onRequest']>>().optional(),
  onResponse: functionSchema<NonNullable<HttpHooks['onResponse']>>().optional(),
  onRetry: functionSchema<NonNullable<HttpHooks['onRetry']>>().optional(),
  onWarning: functionSchema<NonNullable<HttpHooks['onWarning']>>().optional(),
  onRateLimitWait: functionSchema<NonNullable<HttpHooks['onRateLimitWait']>>().optional(),
});

export const RetryPolicySchema = z.union([
  z.literal(false),
  z.strictObject({
    retries: z.number().int().min(0).optional(),
    maxRetryAfterMs: z.number().min(0).optional(),
    baseDelayMs: z.number().min(0).optional(),
    maxDelayMs: z.number().min(0).optional(),
    factor: z.number().min(1).optional(),
    jitter: z.boolean().optional(),
  }),
]) as z.ZodType<RetryPolicy | false>;

export const RateLimitRuleSchema = z.strictObject({
  name: z.string().min(1),
  // A request counts at least 1: below that no request could ever be admitted. A refinement, not `.int()`,
  // so that in a `false | rules` union the issue still names the rule's field.
  limit: z
    .number()
    .refine((limit) => Number.isInteger(limit) && limit >= 1, 'must be a whole number, at least 1'),
  windowMs: z.number().positive(),
  unit: z.enum(['requests', 'tokens']).optional(),
  kind: z.enum(['sliding', 'budget']).optional(),
  nextResetAt: functionSchema<(now: number) => number>().optional(),
}) as z.ZodType<RateLimitRule>;

/**
 * Whether `value` is an object with these methods: how an object from another copy of core, or another realm,
 * is recognised (`instanceof` would refuse it).
 */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}

/** The limiter methods the HTTP client calls. */
const RATE_LIMITER_METHODS = ['reserveNow', 'reserve', 'observe', 'pauseUntil', 'state'] as const;

/** A shared {@link RateLimiter}; one from another copy of core is still a limiter, so its methods are checked. */
export const RateLimiterSchema = z.custom<RateLimiter>(
  (value) => hasMethods(value, RATE_LIMITER_METHODS),
  `must be a RateLimiter (with ${RATE_LIMITER_METHODS.join(', ')} methods)`,
);

/** A request timeout in milliseconds: whole, positive, and within what a timer can wait (beyond it every request would time out at once). */
export const TimeoutMsSchema = z
  .number()
  .int('must be a whole number of milliseconds')
  .positive('must be positive')
  .max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} (about 24.8 days)`);

/** An http(s) URL. */
export const HttpUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  // fetch refuses such URLs anyway, and its error would repeat the password: refused here, never echoed.
  .refine(
    (value) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value),
    'must not hold credentials (user:password@); give them as the adapter’s credential options',
  )
  // Paths are appended to the base URL: a query or fragment would end up before them.
  .refine((value) => !/[?#]/.test(value), 'must not have a query (?…) or fragment (#…)');

/** The transport options every adapter takes; {@link commonAdapterOptionsShape} checks them. */
export interface CommonAdapterOptions {
  /** A custom fetch: tests, proxies, middleware. Default the global one, looked up per request. */
  fetch?: typeof globalThis.fetch;
  /** Observers of requests, answers, retries, read warnings and rate-limit waits; they see redacted data. */
  hooks?: HttpHooks;
  /** Retry policy of the core HTTP client, or `false` for none. */
  retry?: RetryPolicy | false;
  /** Per-attempt timeout in milliseconds. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
}

/** The transport options shared by every adapter; spread into a provider's strict options schema. */
export const commonAdapterOptionsShape = {
  fetch: functionSchema<typeof globalThis.fetch>().optional(),
  hooks: HooksSchema.optional(),
  retry: RetryPolicySchema.optional(),
  timeoutMs: TimeoutMsSchema.optional(),
  userAgent: HeaderValueSchema.min(1, 'must not be empty').optional(),
};
