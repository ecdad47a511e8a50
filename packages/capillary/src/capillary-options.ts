/**
 * Options of `createCapillaryAdapter`, checked strictly: a misspelt option is a ConfigError naming it,
 * never a silently ignored setting. Secret values are never echoed.
 */
import {
  type CommonAdapterOptions,
  commonAdapterOptionsShape,
  functionSchema,
  HeaderValueSchema,
  type HttpHooks,
  HttpUrlSchema,
  parseOptionsOrThrow,
  type RateLimitRule,
  RateLimitRuleSchema,
  type SecretSource,
  SecretSourceSchema,
} from '@goalbridge/core';
import * as z from 'zod';

/** API hosts per cluster (reference §1.1, "Request Information"); `/v3` is appended. */
export const CAPILLARY_CLUSTERS = {
  /** India */
  apac: 'https://apac.api.capillarytech.com',
  apac2: 'https://apac2.api.capillarytech.com',
  eu: 'https://eu.api.capillarytech.com',
  us: 'https://us.api.capillarytech.com',
  china: 'https://api.capillarytech.cn.com',
} as const;
export type CapillaryCluster = keyof typeof CAPILLARY_CLUSTERS;

/** Headers that attribute OAuth calls to a store instead of the default till (reference §1.2). */
export interface CapillaryAttribution {
  entityType:
    | 'TILL'
    | 'STORE_CODE'
    | 'STORE_NAME'
    | 'STORE_EXTERNAL_ID'
    | 'STORE_EXTERNAL_ID_1'
    | 'STORE_EXTERNAL_ID_2';
  entityCode: string;
}

/** Till username and password; the adapter sends the MD5 of the password, as Capillary requires. */
export interface CapillaryBasicAuth {
  type: 'basic';
  username: string;
  password: SecretSource;
}

/** OAuth client key and secret, exchanged for a token at `POST /v3/oauth/token/generate`. */
export interface CapillaryOAuth {
  type: 'oauth';
  key: string;
  secret: SecretSource;
  attribution?: CapillaryAttribution;
}

/** Core hooks; `onWarning` also receives the warnings Capillary returns in a read's envelope. */
export type CapillaryHooks = HttpHooks;

export interface CapillaryAdapterOptions extends CommonAdapterOptions {
  auth: CapillaryBasicAuth | CapillaryOAuth;
  /** Cluster whose API host to use. Default `eu` (reference §1.1 recommendation). */
  cluster?: CapillaryCluster;
  /** API origin such as `https://eu.api.capillarytech.com` (or a simulator's URL); `/v3` is appended. */
  baseURL?: string;
  /** Limits to schedule requests under (default: 100 per minute); `false` sends without scheduling. */
  rateLimits?: readonly RateLimitRule[] | false;
  /** Till new groups are attributed to when a goal names none. */
  preferredTillId?: number;
  /**
   * How `list()` reads: `targetGroups` (default) reads every group in one `GET /v3/targetGroups` answer, the
   * documented list; `milestones` pages through the `GET /v3/milestones` search (its paging is an ASSUMPTION).
   */
  listEndpoint?: 'milestones' | 'targetGroups';
  /** Page size for `GET /v3/milestones` when `list()` is given none. Default 50. */
  pageSize?: number;
  /** Clock for token expiry. Default `Date.now`. */
  now?: () => number;
}

/** The largest `GET /v3/milestones` page the adapter asks for. */
export const CAPILLARY_MAX_PAGE_SIZE = 1000;

const nonBlank = z.string().refine((value) => value.trim() !== '', 'must not be empty');

const BasicAuthSchema = z.strictObject({
  type: z.literal('basic'),
  username: nonBlank,
  password: SecretSourceSchema,
});

const OAuthSchema = z.strictObject({
  type: z.literal('oauth'),
  key: nonBlank,
  secret: SecretSourceSchema,
  attribution: z
    .strictObject({
      entityType: z.enum([
        'TILL',
        'STORE_CODE',
        'STORE_NAME',
        'STORE_EXTERNAL_ID',
        'STORE_EXTERNAL_ID_1',
        'STORE_EXTERNAL_ID_2',
      ]),
      entityCode: HeaderValueSchema.min(1, 'must not be empty'),
    })
    .optional(),
});

const OptionsSchema = z
  .strictObject({
    auth: z.discriminatedUnion('type', [BasicAuthSchema, OAuthSchema], {
      error: 'must be { type: "basic", username, password } or { type: "oauth", key, secret }',
    }),
    cluster: z.enum(Object.keys(CAPILLARY_CLUSTERS) as [CapillaryCluster, ...CapillaryCluster[]]).optional(),
    baseURL: HttpUrlSchema.optional(),
    ...commonAdapterOptionsShape,
    rateLimits: z.union([z.literal(false), z.array(RateLimitRuleSchema)]).optional(),
    preferredTillId: z.number().int().positive().optional(),
    listEndpoint: z.enum(['milestones', 'targetGroups']).optional(),
    pageSize: z.number().int().min(1).max(CAPILLARY_MAX_PAGE_SIZE).optional(),
    now: functionSchema<() => number>().optional(),
  })
  .refine((options) => !(options.cluster && options.baseURL), {
    message: 'give either cluster or baseURL, not both',
    path: ['baseURL'],
  });

/** Validated options; a ConfigError names every bad option. */
export function parseCapillaryOptions(options: unknown): CapillaryAdapterOptions {
  return parseOptionsOrThrow(OptionsSchema, options, 'capillary') as CapillaryAdapterOptions;
}

/** The `/v3` base of the API: the cluster host or `baseURL`, with `/v3` appended unless already there. */
export function apiBaseURL(options: Pick<CapillaryAdapterOptions, 'cluster' | 'baseURL'>): string {
  const origin = (options.baseURL ?? CAPILLARY_CLUSTERS[options.cluster ?? 'eu']).replace(/\/+$/, '');
  return origin.endsWith('/v3') ? origin : `${origin}/v3`;
}
