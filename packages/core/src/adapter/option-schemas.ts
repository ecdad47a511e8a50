/**
 * Schemas for the options every adapter takes — credentials, fetch, hooks, retry, timeouts, rate-limit rules —
 * so each provider validates them the same way (strictly: a misspelt option is a ConfigError naming it).
 */
import * as z from 'zod';
import type { HttpHooks, RetryPolicy } from '../http/http-client.ts';
import type { RateLimitRule } from '../rate-limit/rate-limiter.ts';
import type { SecretSource } from './credentials.ts';

/** A function value (zod cannot describe its signature; TypeScript does at the call site). */
export function functionSchema<T>(message = 'must be a function') {
  return z.custom<T>((value) => typeof value === 'function', message);
}

const CONTROL_CHARACTER = /\p{Cc}/u;

/** A credential: a non-empty string, or a function read before each request (for rotating tokens). */
export const SecretSourceSchema = z.union(
  [
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      // A header cannot carry one: the request would fail far from the setting that caused it.
      .refine(
        (text) => !CONTROL_CHARACTER.test(text),
        'must not contain line breaks or other control characters',
      ),
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
  limit: z.number().positive(),
  windowMs: z.number().positive(),
  unit: z.enum(['requests', 'tokens']).optional(),
  kind: z.enum(['sliding', 'budget']).optional(),
  nextResetAt: functionSchema<(now: number) => number>().optional(),
}) as z.ZodType<RateLimitRule>;

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
  // A timer cannot wait longer (2^31 − 1 ms, about 24.8 days): beyond it every request would fail as a timeout.
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(2_147_483_647, 'must be at most 2147483647 (about 24.8 days)')
    .optional(),
  userAgent: z.string().min(1).optional(),
};
