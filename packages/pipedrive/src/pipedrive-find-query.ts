/**
 * `GET /goals/find` filters (reference §1.4) and the query strategy that lists every goal. Arrays are sent
 * as repeated keys, the OpenAPI default the official SDK follows (`type.params.pipeline_id=1&...=2`).
 */
import { IsoDateSchema, parseDecimal, type QueryValue } from '@goalbridge/core';
import * as z from 'zod';
import {
  PIPEDRIVE_ASSIGNEE_TYPES,
  PIPEDRIVE_GOAL_TYPES,
  PIPEDRIVE_TRACKING_METRICS,
  type PipedriveAssigneeType,
  type PipedriveGoalTypeName,
  type PipedriveTrackingMetric,
} from './pipedrive-api.ts';

/** Every documented find filter, in camelCase. Filters marked * make find return everyone's goals (§6.1). */
export interface PipedriveFindFilter {
  /** `type.name`*; `revenue_forecast` is accepted although the find enum omits it (reference §1.2). */
  typeName?: PipedriveGoalTypeName;
  title?: string;
  /** `is_active`; Pipedrive's default is `true` (reference §6.2). */
  isActive?: boolean;
  /** `assignee.id`: whose goals; without it (and without a * filter) only your own goals come back. */
  assigneeId?: number;
  assigneeType?: PipedriveAssigneeType;
  /** `expected_outcome.target`*. */
  target?: number | string;
  trackingMetric?: PipedriveTrackingMetric;
  /** `expected_outcome.currency_id`*; or give `currency` as an ISO code to have it resolved. */
  currencyId?: number;
  currency?: string;
  /** `type.params.pipeline_id`*; `null` looks for goals over all pipelines. */
  pipelineIds?: readonly number[] | null;
  stageId?: number;
  activityTypeIds?: readonly number[] | null;
  /** `period.start` and `period.end`, always together (reference §6.3). */
  period?: { start?: string; end?: string };
}

const id = z.number().int().positive();
const ids = z.array(id).min(1, 'must list at least one id, or be null for all').nullable();

export const PipedriveFindFilterSchema = z
  .strictObject({
    typeName: z.enum(PIPEDRIVE_GOAL_TYPES).optional(),
    title: z.string().min(1).optional(),
    isActive: z.boolean().optional(),
    assigneeId: id.optional(),
    assigneeType: z.enum(PIPEDRIVE_ASSIGNEE_TYPES).optional(),
    target: z
      .union([z.number(), z.string()])
      .refine((value) => parseDecimal(value) !== undefined, 'must be a number')
      .optional(),
    trackingMetric: z.enum(PIPEDRIVE_TRACKING_METRICS).optional(),
    currencyId: id.optional(),
    currency: z.string().length(3).optional(),
    pipelineIds: ids.optional(),
    stageId: id.optional(),
    activityTypeIds: ids.optional(),
    period: z
      .strictObject({ start: IsoDateSchema.optional(), end: IsoDateSchema.optional() })
      .superRefine((period, context) => {
        if ((period.start === undefined) !== (period.end === undefined)) {
          context.addIssue({
            code: 'custom',
            path: [period.start === undefined ? 'start' : 'end'],
            message: 'period.start and period.end must be given together (reference §6.3)',
          });
        } else if (period.start && period.end && period.end < period.start) {
          context.addIssue({ code: 'custom', path: ['end'], message: 'must not be before period.start' });
        }
      })
      .optional(),
  })
  .superRefine((filter, context) => {
    if (filter.currency !== undefined && filter.currencyId !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['currency'],
        message: 'give currency or currencyId, not both',
      });
    }
  });

function idsValue(value: readonly number[] | null | undefined): QueryValue {
  // `null` means "all" in the parameter description; sent literally, as a dot-notation search value.
  return value === null ? 'null' : value;
}

/** The query string of a find call (dotted parameter names as documented). */
export function findQuery(
  filter: z.output<typeof PipedriveFindFilterSchema>,
  currencyId: number | undefined,
): Record<string, QueryValue> {
  const target = filter.target === undefined ? undefined : parseDecimal(filter.target);
  const entries: [string, QueryValue][] = [
    ['type.name', filter.typeName],
    ['title', filter.title],
    ['is_active', filter.isActive],
    ['assignee.id', filter.assigneeId],
    ['assignee.type', filter.assigneeType],
    ['expected_outcome.target', target],
    ['expected_outcome.tracking_metric', filter.trackingMetric],
    ['expected_outcome.currency_id', currencyId ?? filter.currencyId],
    ['type.params.pipeline_id', idsValue(filter.pipelineIds)],
    ['type.params.stage_id', filter.stageId],
    ['type.params.activity_type_id', idsValue(filter.activityTypeIds)],
    ['period.start', filter.period?.start],
    ['period.end', filter.period?.end],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/**
 * The queries that together return every goal the credentials can see. Find returns only your own goals
 * unless a filter such as `assignee.type` is present, and only active ones unless `is_active=false`
 * (reference §6.1–6.2). Every goal has an assignee of one of three types and is either active or not, so these
 * six queries cover all of them; the adapter drops a goal seen twice. Cost: 6 × 20 tokens.
 */
export const LIST_QUERIES: readonly Readonly<Record<string, QueryValue>>[] = [true, false].flatMap(
  (isActive) => PIPEDRIVE_ASSIGNEE_TYPES.map((type) => ({ 'assignee.type': type, is_active: isActive })),
);
