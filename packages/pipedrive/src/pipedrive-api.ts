/**
 * Raw Pipedrive Goals API (v1) payloads as zod schemas. Response schemas are lenient — unknown fields pass
 * through and are kept (`seasonality`, reference §1.1) — and absorb the documented type drift: numeric
 * strings for numbers (§1.3, §6.5–6.6) and the pre-2022-12-16 scalar `pipeline_id` (§6.4).
 */
import * as z from 'zod';

export const PROVIDER = 'pipedrive';

/** `type.name` values a goal can have (add/update description, reference §1.2). */
export const PIPEDRIVE_GOAL_TYPES = [
  'deals_won',
  'deals_progressed',
  'activities_completed',
  'activities_added',
  'deals_started',
  'revenue_forecast',
] as const;
export type PipedriveGoalTypeName = (typeof PIPEDRIVE_GOAL_TYPES)[number];

export const PIPEDRIVE_ASSIGNEE_TYPES = ['person', 'company', 'team'] as const;
export type PipedriveAssigneeType = (typeof PIPEDRIVE_ASSIGNEE_TYPES)[number];

export const PIPEDRIVE_INTERVALS = ['weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type PipedriveInterval = (typeof PIPEDRIVE_INTERVALS)[number];

export const PIPEDRIVE_TRACKING_METRICS = ['quantity', 'sum'] as const;
export type PipedriveTrackingMetric = (typeof PIPEDRIVE_TRACKING_METRICS)[number];

/** Goal types whose `params` may carry `activity_type_id` (reference §1.2). */
export const ACTIVITY_GOAL_TYPES: ReadonlySet<string> = new Set(['activities_completed', 'activities_added']);
/** The only goal type whose `params` may carry `stage_id` (reference §1.2). */
export const STAGE_GOAL_TYPE = 'deals_progressed';

/** Token cost of each call (`x-token-cost` in the spec, reference §1). Currencies: the generic list cost (§5). */
export const PIPEDRIVE_TOKEN_COSTS = {
  find: 20,
  results: 20,
  add: 10,
  update: 10,
  delete: 6,
  currencies: 20,
} as const;

/** Fields of the Goal object the spec or the reference name (§1.1); everything else is an unknown extra. */
export const KNOWN_GOAL_FIELDS = {
  goal: [
    'id',
    'owner_id',
    'title',
    'type',
    'assignee',
    'interval',
    'duration',
    'expected_outcome',
    'is_active',
    'report_ids',
  ],
  type: ['name', 'params'],
  params: ['pipeline_id', 'stage_id', 'activity_type_id'],
  assignee: ['id', 'type'],
  duration: ['start', 'end'],
  expected_outcome: ['target', 'tracking_metric', 'currency_id'],
} as const;

const integer = z.number().int();
/** An integer, also when sent as a numeric string (the request docs show `"id": "1"`, reference §1.3). */
const integerLike = z.union([
  integer,
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
/** A JSON number or a numeric string (`"target": "50"`, reference §1.3 and §6.5). */
const numberLike = z.union([
  z.number(),
  z.string().regex(/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, 'must be a numeric string'),
]);
/** An id list, `null` for "all"; a bare integer is the shape before 2022-12-16 (reference §6.4). */
const idList = z.union([z.array(integer), integer.transform((id) => [id])]).nullable();

export const PipedriveGoalParamsSchema = z.looseObject({
  pipeline_id: idList.optional(),
  stage_id: integer.nullable().optional(),
  activity_type_id: idList.optional(),
});

export const PipedriveGoalSchema = z.looseObject({
  id: z.string().min(1),
  owner_id: integerLike.optional(),
  title: z.string().nullable().optional(),
  type: z.looseObject({
    name: z.string().min(1),
    params: PipedriveGoalParamsSchema.nullable().optional(),
  }),
  assignee: z
    .looseObject({ id: integerLike, type: z.string().min(1) })
    .nullable()
    .optional(),
  interval: z.string().nullable().optional(),
  duration: z
    .looseObject({ start: z.string().nullable().optional(), end: z.string().nullable().optional() })
    .nullable()
    .optional(),
  expected_outcome: z.looseObject({
    target: numberLike.nullable().optional(),
    tracking_metric: z.enum(PIPEDRIVE_TRACKING_METRICS),
    currency_id: integer.nullable().optional(),
  }),
  is_active: z.boolean().optional(),
  /** Numbers until Oct 2022 (SDK build 1465), strings since (reference §6.6). */
  report_ids: z.array(z.union([z.string(), integer.transform(String)])).optional(),
});
export type PipedriveGoal = z.output<typeof PipedriveGoalSchema>;
export type PipedriveGoalParams = z.output<typeof PipedriveGoalParamsSchema>;

/** Body of `POST /goals` and `PUT /goals/{id}` as the adapter sends it (reference §1.6). */
export interface PipedriveGoalBody {
  title?: string;
  assignee?: { id: number; type: string };
  type?: {
    name: string;
    params?: {
      pipeline_id?: number[] | null;
      stage_id?: number | null;
      activity_type_id?: number[] | null;
      [extra: string]: unknown;
    };
    [extra: string]: unknown;
  };
  expected_outcome?: {
    /** A JSON number when it is exact as a double, else the numeric string the request docs show. */
    target: number | string;
    tracking_metric: PipedriveTrackingMetric;
    currency_id?: number;
    [extra: string]: unknown;
  };
  duration?: { start: string; end: string | null; [extra: string]: unknown };
  interval?: string;
  [extra: string]: unknown;
}

/** `GET /currencies` item (reference: lead's note on `/v1/currencies`). */
export const PipedriveCurrencySchema = z.looseObject({
  id: integer,
  code: z.string().min(1),
  name: z.string().optional(),
  decimal_points: integer.optional(),
  symbol: z.string().optional(),
  active_flag: z.boolean().optional(),
  is_custom_flag: z.boolean().optional(),
});
export type PipedriveCurrency = z.output<typeof PipedriveCurrencySchema>;

/** Envelope fields the goals service adds (`statusCode: 20000`, ...), not in the spec schemas (reference §1). */
const goalsEnvelope = {
  success: z.literal(true),
  statusCode: z.number().optional(),
  statusText: z.string().optional(),
  service: z.string().optional(),
};

/** `data` may be null when nothing matches (tolerated by Activepieces, reference §1.4). */
export const FindGoalsResponseSchema = z.looseObject({
  ...goalsEnvelope,
  data: z
    .looseObject({ goals: z.array(PipedriveGoalSchema).nullable().optional() })
    .nullable()
    .optional(),
});

export const GoalResultResponseSchema = z.looseObject({
  ...goalsEnvelope,
  data: z.looseObject({ progress: numberLike, goal: PipedriveGoalSchema }),
});

export const UpsertGoalResponseSchema = z.looseObject({
  ...goalsEnvelope,
  data: z.looseObject({ goal: PipedriveGoalSchema }),
});

export const DeleteGoalResponseSchema = z.looseObject(goalsEnvelope);

export const CurrenciesResponseSchema = z.looseObject({
  success: z.literal(true),
  data: z.array(PipedriveCurrencySchema).nullable(),
});
