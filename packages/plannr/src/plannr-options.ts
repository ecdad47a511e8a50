/**
 * The options of `createPlannrAdapter`, checked strictly: a bad or unknown option is a ConfigError naming it,
 * never echoing a credential.
 */
import {
  type CommonAdapterOptions,
  CurrencyCodeSchema,
  commonAdapterOptionsShape,
  HttpUrlSchema,
  type RateLimiter,
  RateLimiterSchema,
  type RateLimitRule,
  RateLimitRuleSchema,
  type SecretSource,
  SecretSourceSchema,
} from '@goalbridge/core';
import * as z from 'zod';
import { isPlannrUuid } from './plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';

export interface PlannrAdapterOptions extends CommonAdapterOptions {
  /** Personal Access Token or OAuth2 access token, sent as `Bearer` [S13]; a function is read per request. */
  accessToken: SecretSource;
  /** UUID of the Plannr account to act as, sent as `X-PLANNR-ACCOUNT-UUID` [S14]. */
  accountUuid: string;
  /** Default `https://api.plannrcrm.com/api/v2`. */
  baseURL?: string;
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

export const PlannrAdapterOptionsSchema = z.strictObject({
  accessToken: SecretSourceSchema,
  accountUuid: z.string().refine(isPlannrUuid, 'must be the UUID of the Plannr account to act as'),
  baseURL: HttpUrlSchema.optional(),
  ...commonAdapterOptionsShape,
  rateLimits: z.union([z.literal(false), z.array(RateLimitRuleSchema)]).optional(),
  rateLimiter: RateLimiterSchema.optional(),
  include: z.array(z.string().regex(/^[a-z_.]+$/, 'must be a relation name')).optional(),
  currency: CurrencyCodeSchema.optional(),
});

/** The relations read by default: the owners and circles includes that exist (ASSUMPTION `includes`). */
export function defaultIncludes(): string[] {
  const { owners, circles } = PLANNR_ASSUMPTIONS.includes;
  return [owners, circles].filter((name): name is string => name !== undefined);
}
