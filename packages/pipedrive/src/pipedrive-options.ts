/**
 * Adapter options: a strict schema (a bad option is a ConfigError naming it, never echoing its value) and the
 * settings derived from it — base URL, auth headers, rate-limit rules.
 */
import {
  type CommonAdapterOptions,
  type CredentialHeaders,
  commonAdapterOptionsShape,
  credentialHeaders,
  HeadersSchema,
  HttpUrlSchema,
  parseOptionsOrThrow,
  type SecretSource,
  SecretSourceSchema,
} from '@goalbridge/core';
import * as z from 'zod';
import {
  PIPEDRIVE_INTERVALS,
  PIPEDRIVE_TOKEN_COSTS,
  type PipedriveInterval,
  PROVIDER,
} from './pipedrive-api.ts';
import {
  PIPEDRIVE_PLANS,
  type PipedriveAuthKind,
  type PipedrivePlan,
  type PipedriveRateLimitOverride,
} from './pipedrive-rate-limits.ts';

export const PIPEDRIVE_DEFAULT_BASE_URL = 'https://api.pipedrive.com/v1';

export interface PipedriveAdapterOptions extends CommonAdapterOptions {
  /** API token, sent in the `x-api-token` header (never in the URL). A function is read before each request. */
  apiToken?: SecretSource;
  /** OAuth 2.0 access token, sent as `Authorization: Bearer`; pass a function to refresh it. */
  accessToken?: SecretSource;
  /** Your company domain: requests go to `https://<companyDomain>.pipedrive.com/api/v1` (recommended by Pipedrive). */
  companyDomain?: string;
  /** Full base URL, e.g. `${api_domain}/api/v1` from an OAuth token response. Default `https://api.pipedrive.com/v1`. */
  baseURL?: string;
  /** Extra headers for every request. */
  headers?: Readonly<Record<string, string>>;
  /** The company's plan; sets the burst limit and the daily budget. Default `lite` (the most conservative). */
  plan?: PipedrivePlan;
  /** Seats on the plan; the daily budget is 30,000 × plan multiplier × seats. Default 1. */
  seats?: number;
  /** Change the scheduled limits (e.g. scaled down for benchmarks), or `false` to schedule nothing up front. */
  rateLimits?: PipedriveRateLimitOverride | false;
  /** ISO code → Pipedrive currency id. Without it, the adapter reads `GET /currencies` once and caches it. */
  currencies?: Readonly<Record<string, number>>;
  /** Interval for goals written without `schedule.recurrence`; without it such goals are refused. */
  defaultInterval?: PipedriveInterval;
}

const positiveInteger = z.number().int().positive();

/** The token cost of the costliest request: a smaller daily budget could never admit it. */
const COSTLIEST_REQUEST_TOKENS = Math.max(...Object.values(PIPEDRIVE_TOKEN_COSTS));

const OptionsSchema = z
  .strictObject({
    apiToken: SecretSourceSchema.optional(),
    accessToken: SecretSourceSchema.optional(),
    companyDomain: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, 'must be the <domain> of <domain>.pipedrive.com')
      .optional(),
    baseURL: HttpUrlSchema.optional(),
    ...commonAdapterOptionsShape,
    headers: HeadersSchema.optional(),
    plan: z.enum(PIPEDRIVE_PLANS).optional(),
    seats: positiveInteger.optional(),
    rateLimits: z
      .union([
        z.literal(false),
        z.strictObject({
          burstLimit: positiveInteger.optional(),
          burstWindowMs: positiveInteger.optional(),
          dailyTokens: positiveInteger
            .min(
              COSTLIEST_REQUEST_TOKENS,
              `must be at least ${COSTLIEST_REQUEST_TOKENS}, the token cost of the costliest request`,
            )
            .optional(),
        }),
      ])
      .optional(),
    currencies: z.record(z.string(), positiveInteger).optional(),
    defaultInterval: z.enum(PIPEDRIVE_INTERVALS).optional(),
  })
  .superRefine((options, context) => {
    if ((options.apiToken === undefined) === (options.accessToken === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [options.apiToken === undefined ? 'apiToken' : 'accessToken'],
        message: 'give exactly one of apiToken or accessToken',
      });
    }
    if (options.companyDomain !== undefined && options.baseURL !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['baseURL'],
        message: 'give companyDomain or baseURL, not both',
      });
    }
  });

export interface PipedriveSettings {
  baseURL: string;
  auth: PipedriveAuthKind;
  authHeaders: CredentialHeaders;
  options: z.output<typeof OptionsSchema>;
}

export function resolvePipedriveOptions(input: PipedriveAdapterOptions): PipedriveSettings {
  const options = parseOptionsOrThrow(OptionsSchema, input, PROVIDER);
  const baseURL =
    options.baseURL ??
    (options.companyDomain
      ? `https://${options.companyDomain}.pipedrive.com/api/v1`
      : PIPEDRIVE_DEFAULT_BASE_URL);
  const { apiToken, accessToken } = options;
  const authHeaders =
    apiToken !== undefined
      ? credentialHeaders(apiToken, { option: 'apiToken', provider: PROVIDER }, (token) => ({
          'x-api-token': token,
        }))
      : credentialHeaders(accessToken, { option: 'accessToken', provider: PROVIDER }, (token) => ({
          authorization: `Bearer ${token}`,
        }));
  return { baseURL, auth: apiToken !== undefined ? 'apiToken' : 'oauth', authHeaders, options };
}
