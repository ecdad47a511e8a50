/**
 * @goalbridge/plannr — Plannr CRM goals (API v2) for goalbridge: the adapter, the pure mappers between Plannr
 * goals and Goals, and the constants they rest on. The simulator is in `@goalbridge/plannr/testing`.
 */
export {
  checkGoalForPlannr,
  convertGoalPatchToPlannr,
  convertGoalToPlannr,
  goalPatchToPlannrGoalWrite,
  goalToPlannrGoalWrite,
  PLANNR_LIMITS,
  type PlannrConversion,
  type PlannrConvertOptions,
} from './convert-to-plannr-goal.ts';
export { PLANNR_MEASURE, type PlannrGoalExtension, plannrGoalToGoal, readMoney } from './map-plannr-goal.ts';
export { createPlannrAdapter, type PlannrAdapter, plannrCapabilities } from './plannr-adapter.ts';
export {
  isPlannrUuid,
  PLANNR_BASE_URL,
  PLANNR_ORIGIN,
  PLANNR_PROVIDER,
  type PlannrAccount,
  PlannrAccountSchema,
  type PlannrCircle,
  PlannrCircleSchema,
  type PlannrGoal,
  type PlannrGoalPage,
  PlannrGoalPageSchema,
  PlannrGoalSchema,
  type PlannrGoalWrite,
  type PlannrMoney,
  PlannrMoneySchema,
  plannrFieldToGoalPath,
  unwrapResource,
} from './plannr-api.ts';
export { PLANNR_ASSUMPTIONS, type PlannrAssumptions } from './plannr-assumptions.ts';
export { classifyPlannrResponse } from './plannr-errors.ts';
export type { PlannrListOptions, PlannrSort, PlannrSortField } from './plannr-list.ts';
export type { PlannrAdapterOptions } from './plannr-options.ts';
export { PLANNR_RATE_LIMIT_RULE, PLANNR_RATE_LIMITS, readPlannrRateLimits } from './plannr-rate-limits.ts';
