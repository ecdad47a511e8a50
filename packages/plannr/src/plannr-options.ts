/**
 * The options of `createPlannrAdapter`, checked strictly: a bad or unknown option is a ConfigError naming it,
 * never echoing a credential.
 */
import {
  CurrencyCodeSchema,
  type HttpHooks,
  RateLimiter,
  type RateLimitRule,
  type RetryPolicy,
  type SecretSource,
} from '@goalbridge/core';
import { z } from 'zod';
import { isPlannrUuid } from './plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';

export interface PlannrAdapterOptions {
  /** Personal Access Token or OAuth2 access token, sent as `Bearer` [S13]; a function is read per request. */
  accessToken: SecretSource;
  /** UUID of the Plannr account to act as, sent as `X-PLANNR-ACCOUNT-UUID` [S14]. */
  accountUuid: string;
  /** Default `https://api.plannrcrm.com/api/v2`. */
  baseURL?: string;
  fetch?: typeof globalThis.fetch;
  hooks?: HttpHooks;
  retry?: RetryPolicy | false;
  /** Per-request timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  userAgent?: string;
  /** Limits to schedule; default 500 requests per minute [S16]; `false` schedules nothing. */
  rateLimits?: readonly RateLimitRule[] | false;
  /** A limiter shared with other adapters acting for the same Plannr user (the limit is per user). */
  rateLimiter?: RateLimiter;
  /**
   * Relations requested on reads; default `['accounts', 'visible_to_circles']` (ASSUMPTION `includes`).
   * Without `accounts`, owners are read from `shared_owner` only and no longer round-trip.
   */
  include?: readonly string[];
  /** The account's currency. Default GBP (ASSUMPTION `accountCurrency`). */
  currency?: string;
}

const isFunction = (value: unknown) => typeof value === 'function';
const FunctionSchema = z.custom<(...args: never[]) => unknown>(isFunction, 'must be a function');
const NonNegative = z.number().nonnegative();

const RuleSchema = z.strictObject({
  name: z.string().min(1),
  limit: z.number().positive(),
  windowMs: z.number().positive(),
  unit: z.enum(['requests', 'tokens']).optional(),
  kind: z.enum(['sliding', 'budget']).optional(),
  nextResetAt: FunctionSchema.optional(),
});

export const PlannrAdapterOptionsSchema = z.strictObject({
  accessToken: z.union([z.string().trim().min(1, 'must not be empty'), FunctionSchema], {
    error: 'must be a token or a function returning one',
  }),
  accountUuid: z.string().refine(isPlannrUuid, 'must be the UUID of the Plannr account to act as'),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  fetch: FunctionSchema.optional(),
  hooks: z
    .strictObject({
      onRequest: FunctionSchema.optional(),
      onResponse: FunctionSchema.optional(),
      onRetry: FunctionSchema.optional(),
    })
    .optional(),
  retry: z
    .union([
      z.literal(false),
      z.strictObject({
        retries: z.number().int().nonnegative().optional(),
        maxRetryAfterMs: NonNegative.optional(),
        baseDelayMs: NonNegative.optional(),
        maxDelayMs: NonNegative.optional(),
        factor: z.number().positive().optional(),
        jitter: z.boolean().optional(),
      }),
    ])
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
  userAgent: z.string().min(1).optional(),
  rateLimits: z.union([z.literal(false), z.array(RuleSchema)]).optional(),
  // A limiter from another copy of core is still a limiter.
  rateLimiter: z
    .custom<RateLimiter>(
      (value) => value instanceof RateLimiter || isFunction((value as RateLimiter)?.acquire),
    )
    .optional(),
  include: z.array(z.string().regex(/^[a-z_.]+$/, 'must be a relation name')).optional(),
  currency: CurrencyCodeSchema.optional(),
});

/** The relations read by default: the owners and circles includes that exist (ASSUMPTION `includes`). */
export function defaultIncludes(): string[] {
  const { owners, circles } = PLANNR_ASSUMPTIONS.includes;
  return [owners, circles].filter((name): name is string => name !== undefined);
}
