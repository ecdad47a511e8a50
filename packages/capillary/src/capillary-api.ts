/**
 * Raw Capillary API v3 target-group payloads as zod schemas. Response schemas are lenient: only what the
 * adapter reads is required, unknown fields pass through and are kept (reference §8 lists the variation
 * seen across examples). Request schemas describe what clients send, including the loose forms the docs show
 * (numeric strings for values, `expression: true`, datetimes without offset).
 */
import { isIsoDate } from '@goalbridge/core';
import * as z from 'zod';

/** `trackingType` as payloads spell it; the OpenAPI enum says `STREAK` (reference §2.1, §10.6). */
export const TRACKING_TYPES = ['DEFAULT', 'UNIFIED', 'STREAKS', 'NON_CONTINUOUS_STREAKS', 'CAPPING'] as const;
/** The tracking of a plain milestone group (reference §7 minimal payload, §4.1 create example). */
export const DEFAULT_TRACKING_TYPE = 'DEFAULT';
export const EVALUATION_TYPES = ['FIXED_CALENDAR_WINDOW', 'CYCLIC_WINDOW', 'PERIOD_AGNOSTIC_WINDOW'] as const;
export const FREQUENCY_TYPES = [
  'DAILY',
  'WEEKLY',
  'MONTHLY',
  'QUARTERLY',
  'HALF_YEARLY',
  'YEARLY',
  'CUSTOM',
] as const;
export const PERIOD_STATUSES = ['NOT_STARTED', 'RUNNING', 'ENDED'] as const;
export const ENROLMENT_METHODS = ['TRANSACTION', 'IMPORT', 'AUDIENCE_FILTER'] as const;
export const FILTER_ENTITY_TYPES = ['STORE', 'ZONE', 'CONCEPT'] as const;
export const COMBINATION_TYPES = ['ALL', 'ANY'] as const;

export type TrackingType = (typeof TRACKING_TYPES)[number];
export type EvaluationType = (typeof EVALUATION_TYPES)[number];
export type FrequencyType = (typeof FREQUENCY_TYPES)[number];
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

/** Spellings from the docs that payloads write differently; both are accepted, the payload form is sent. */
export const ENUM_ALIASES: Readonly<Record<string, string>> = {
  STREAK: 'STREAKS', // OpenAPI create enum vs payloads and live create-streak page (reference §2.1)
  REWARDS: 'POINTS', // seed field table vs payloads (reference §2.1, §10.7)
};

/** `targetEntity` → the `targetType` values it accepts (reference §2.1 KPI table; other pairs give 310033). */
export const TARGET_TYPES_BY_ENTITY: Readonly<Record<string, readonly string[]>> = {
  // `ALL` appears on 49 transaction targets of the get-target-groups-all example.
  TRANSACTION: ['SALES', 'GROSS_SALES', 'COUNT', 'VISIT', 'QUANTITY', 'EXTENDED_FIELD', 'ALL'],
  LINEITEM: ['SALES', 'GROSS_SALES', 'QUANTITY', 'EXTENDED_FIELD'],
  EVENT: ['COUNT', 'VISIT', 'EVENT_ATTRIBUTE'],
  POINTS: ['REGULAR_POINTS', 'ALL_POINTS', 'PROMOTIONAL_POINTS'],
  ALTERNATE_CURRENCIES: ['ALL', 'REGULAR', 'PROMOTION'],
};

/** Target types whose values are amounts of money (net and gross sales; reference §2.1 UI names). */
export const MONEY_TARGET_TYPES: ReadonlySet<string> = new Set(['SALES', 'GROSS_SALES']);

/** KPIs that need `extendedFieldInfo` (310094; event attributes per reference §4.1). */
export function needsExtendedFieldInfo(entity: string, type: string): boolean {
  return type === 'EXTENDED_FIELD' || type === 'EVENT_ATTRIBUTE' || entity === 'ALTERNATE_CURRENCIES';
}

/** The canonical (payload) spelling of an enum value. */
export function canonicalEnum(value: string): string {
  return ENUM_ALIASES[value] ?? value;
}

const id = z.number().int();
/**
 * An int64 id that may exceed 2^53: one list example has `preferredTillId: 7998987987686876867`, which
 * JSON.parse can only round (reference §1.3). Read as the number it became; the mapper warns.
 */
const largeId = z.number();
const text = z.string();
/** A period bound: a date, or a datetime that starts with one (reference §1.3); anything else is refused here. */
const periodBound = z
  .string()
  .refine((value) => isIsoDate(value.slice(0, 10)), 'must start with a date (YYYY-MM-DD)');
/** Values are BigDecimal on the wire: numbers in responses, numbers or numeric strings in requests (§1.3). */
const decimalValue = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number')]);

export const ApiErrorSchema = z.looseObject({ code: z.number().nullish(), message: z.string().nullish() });
export const ApiWarningSchema = z.looseObject({ message: z.string().nullish() });
export const PaginationSchema = z.looseObject({ limit: z.number(), offset: z.number(), total: z.number() });

/** `{ data, errors, warnings }` around every answer (§1.3); empty arrays stand in for null in places. */
export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.looseObject({
    data: data.nullable(),
    errors: z.array(ApiErrorSchema).nullish(),
    warnings: z.array(ApiWarningSchema).nullish(),
    pagination: PaginationSchema.optional(),
  });
}

export const ActorSchema = z.looseObject({
  id: id.nullish(),
  code: text.nullish(),
  description: text.nullish(),
  name: text.nullish(),
  type: text.nullish(),
});

/** Timestamps are `yyyy-MM-dd'T'HH:mm:ss.SSSZ` with offsets such as `+0530` (§1.3). */
export const AttributionSchema = z.looseObject({
  createdOn: text.nullish(),
  lastUpdatedOn: text.nullish(),
  createdBy: ActorSchema.nullish(),
  lastUpdatedBy: ActorSchema.nullish(),
});

export const DefaultValueSchema = z.looseObject({
  id: id.nullish(),
  periodId: id.nullish(),
  defaultValue: decimalValue,
});

export const FilterSchema = z.looseObject({
  entityType: text,
  entityIds: z.array(z.union([z.number(), z.string()])),
});

/** A period as answered: dates are date-only, status is computed by the server (§1.3, §4.1). */
export const CapillaryPeriodSchema = z.looseObject({
  id,
  attribution: AttributionSchema.nullish(),
  startDate: periodBound,
  endDate: periodBound,
  refCode: text.nullish(),
  periodStatus: text.nullish(),
  targetGroupId: id.nullish(),
  description: text.nullish(),
  active: z.boolean().nullish(),
});

export const CapillaryTargetSchema = z.looseObject({
  id,
  attribution: AttributionSchema.nullish(),
  name: text,
  targetType: text,
  targetEntity: text,
  eventName: text.nullish(),
  targetGroupId: id.nullish(),
  description: text.nullish(),
  active: z.boolean().nullish(),
  expression: z.union([text, z.boolean()]).nullish(),
  expressionJson: text.nullish(),
  filters: z.array(FilterSchema).nullish(),
  enrolmentMethod: text.nullish(),
  defaultValues: z.array(DefaultValueSchema).nullish(),
  targetPeriodDefaultValuesMap: z.record(z.string(), DefaultValueSchema).nullish(),
  targetMilestoneTriggers: z.array(z.looseObject({})).nullish(),
  extendedFieldInfo: z.looseObject({}).nullish(),
  emfRuleSetId: id.nullish(),
  emfUnrolledRulesetId: id.nullish(),
});

export const CapillaryStreakSchema = z.looseObject({
  id: id.nullish(),
  attribution: AttributionSchema.nullish(),
  targetGroupId: id.nullish(),
  name: text,
  targetCountOfSequence: z.number().int(),
});

export const UnifiedTargetExpressionSchema = z.looseObject({
  aggregation: text.nullish(),
  thresholdValue: decimalValue.nullish(),
  ruleExpression: text.nullish(),
});

/** A target group as answered by get, list, create and edit (§4.1–§4.4). */
export const CapillaryTargetGroupSchema = z.looseObject({
  id,
  attribution: AttributionSchema.nullish(),
  orgId: id.nullish(),
  name: text,
  description: text.nullish(),
  fromDate: text.nullish(),
  toDate: text.nullish(),
  active: z.boolean().nullish(),
  preferredTillId: largeId.nullish(),
  periods: z.array(CapillaryPeriodSchema).nullish(),
  /** Server-derived; one docs example shows it without an id (edit-streaks). */
  activePeriod: CapillaryPeriodSchema.extend({ id: id.nullish() }).nullish(),
  streaks: z.array(CapillaryStreakSchema).nullish(),
  totalPeriods: id.nullish(),
  targetEvaluationType: text.nullish(),
  recurringCycles: id.nullish(),
  frequency: id.nullish(),
  frequencyType: text.nullish(),
  targetCycleStartDate: text.nullish(),
  targetCycleEndDate: text.nullish(),
  trackingType: text.nullish(),
  /** Epoch milliseconds (§1.3); the OpenAPI placeholders write an ISO datetime. */
  createdOn: z.union([id, text]).nullish(),
  targets: z.array(CapillaryTargetSchema).nullish(),
  combinationType: text.nullish(),
  unifiedTargetExpression: UnifiedTargetExpressionSchema.nullish(),
  leaderboardEnabled: z.boolean().nullish(),
  userCreated: z.boolean().nullish(),
  timeZoneName: text.nullish(),
});

/** One customer's progress on one target in one period (§4.10). */
export const CapillaryUserTargetSchema = z.looseObject({
  targetId: id.nullish(),
  periodId: id.nullish(),
  periodRefCode: text.nullish(),
  periodStartDate: periodBound,
  periodEndDate: periodBound,
  targetValue: decimalValue.nullish(),
  targetAchievedValue: decimalValue.nullish(),
  targetRuleId: id,
  currentPeriod: z.boolean().nullish(),
  lastUpdatedOn: text.nullish(),
  enrolledOn: text.nullish(),
  unEnrolled: z.boolean().nullish(),
});

export const CapillaryUserTargetGroupsSchema = z.looseObject({
  userId: id.nullish(),
  targetGroups: z.array(
    z.looseObject({ id, name: text.nullish(), targets: z.array(CapillaryUserTargetSchema).nullish() }),
  ),
});

const tokenLifetime = z.number().positive();

/**
 * The token answer, read as `{accessToken, ttlSeconds}`. The docs give `ttlSeconds` (reference §4.12, an
 * ASSUMPTION there); newer client code reads `expiresIn` and `tokenType` instead, so either lifetime is
 * taken, `expiresIn` in seconds as in OAuth 2 (ASSUMPTION).
 */
export const OAuthTokenSchema = z
  .looseObject({
    accessToken: z.string().min(1),
    ttlSeconds: tokenLifetime.optional(),
    expiresIn: tokenLifetime.optional(),
    tokenType: z.string().nullish(),
  })
  .transform((token, context) => {
    const ttlSeconds = token.ttlSeconds ?? token.expiresIn;
    if (ttlSeconds !== undefined) return { accessToken: token.accessToken, ttlSeconds };
    context.addIssue({ code: 'custom', path: ['ttlSeconds'], message: 'needs ttlSeconds or expiresIn' });
    return z.NEVER;
  });

// Requests. Loose, like the examples they must read: ids and server fields appear in edit bodies.

export const CapillaryPeriodRequestSchema = z.looseObject({
  id: id.optional(),
  startDate: text,
  endDate: text,
  refCode: text,
  periodStatus: text.optional(),
  description: text.optional(),
  active: z.boolean().optional(),
});

export const CapillaryTargetRequestSchema = z.looseObject({
  id: id.optional(),
  name: text.optional(),
  description: text.optional(),
  active: z.boolean().optional(),
  targetEntity: text,
  targetType: text,
  eventName: text.nullish(),
  expression: z.union([text, z.boolean()]).nullish(),
  expressionJson: text.nullish(),
  filters: z.array(FilterSchema).nullish(),
  enrolmentMethod: text.optional(),
  defaultValues: z.array(DefaultValueSchema).optional(),
  extendedFieldInfo: z.looseObject({}).nullish(),
  targetMilestoneTriggers: z.array(z.looseObject({})).optional(),
});

export const CapillaryStreakRequestSchema = z.looseObject({
  id: id.optional(),
  name: text,
  targetCountOfSequence: z.number().int(),
});

/** `POST /v3/targetGroups` (and the edit body, which repeats the group). */
export const CapillaryTargetGroupRequestSchema = z.looseObject({
  id: id.optional(),
  name: text,
  description: text.optional(),
  active: z.boolean().optional(),
  preferredTillId: id.optional(),
  trackingType: text.optional(),
  targetEvaluationType: text.optional(),
  totalPeriods: id.optional(),
  frequencyType: text.optional(),
  frequency: id.optional(),
  recurringCycles: id.optional(),
  userCreated: z.boolean().optional(),
  leaderboardEnabled: z.boolean().optional(),
  timeZoneName: text.optional(),
  periods: z.array(CapillaryPeriodRequestSchema),
  targets: z.array(CapillaryTargetRequestSchema),
  streaks: z.array(CapillaryStreakRequestSchema).optional(),
  combinationType: text.optional(),
  unifiedTargetExpression: UnifiedTargetExpressionSchema.optional(),
});

export type CapillaryTargetGroup = z.output<typeof CapillaryTargetGroupSchema>;
export type CapillaryPeriod = z.output<typeof CapillaryPeriodSchema>;
export type CapillaryTarget = z.output<typeof CapillaryTargetSchema>;
export type CapillaryStreak = z.output<typeof CapillaryStreakSchema>;
export type CapillaryDefaultValue = z.output<typeof DefaultValueSchema>;
export type CapillaryFilter = z.output<typeof FilterSchema>;
export type CapillaryUserTarget = z.output<typeof CapillaryUserTargetSchema>;
export type CapillaryUserTargetGroups = z.output<typeof CapillaryUserTargetGroupsSchema>;
export type CapillaryTargetGroupRequest = z.output<typeof CapillaryTargetGroupRequestSchema>;
export type CapillaryPeriodRequest = z.output<typeof CapillaryPeriodRequestSchema>;
export type CapillaryTargetRequest = z.output<typeof CapillaryTargetRequestSchema>;
export type CapillaryStreakRequest = z.output<typeof CapillaryStreakRequestSchema>;
export type CapillaryApiError = z.output<typeof ApiErrorSchema>;
export type CapillaryApiWarning = z.output<typeof ApiWarningSchema>;

/** The literal-true rule Capillary writes for "every transaction counts" (§2, create examples). */
export const EXPRESSION_TRUE = 'true';
export const EXPRESSION_JSON_TRUE = '{"arity":"literal","value":"true","type":"boolean:primitive"}';
/** The event transactional targets listen to; the server fills it in (§4.1 mock rules). */
export const TRANSACTION_EVENT = 'TransactionAdd';
/** Most cycles a group may have (OpenAPI `recurringCycles`; §2). */
export const MAX_PERIODS = 100;
/** Longest group, target, streak name (§2, 310008). */
export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 255;
