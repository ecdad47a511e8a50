/**
 * @goalbridge/pipedrive — Pipedrive Goals (API v1) for goalbridge: the adapter, the pure mappers between
 * Pipedrive goals and the normalized Goal, the raw payload schemas, and Pipedrive's published limits.
 * The simulator lives in `@goalbridge/pipedrive/testing`.
 */
export {
  type GoalFields,
  goalPatchToPipedriveUpdate,
  goalToPipedriveGoal,
  type PipedriveGoalScope,
  type PipedriveMappingOptions,
  pipedriveGoalToGoal,
  untitledGoalTitle,
} from './map-pipedrive-goal.ts';
export { createPipedriveAdapter, type PipedriveAdapter } from './pipedrive-adapter.ts';
export {
  CurrenciesResponseSchema,
  DeleteGoalResponseSchema,
  FindGoalsResponseSchema,
  GoalResultResponseSchema,
  PIPEDRIVE_ASSIGNEE_TYPES,
  PIPEDRIVE_GOAL_TYPES,
  PIPEDRIVE_INTERVALS,
  PIPEDRIVE_TOKEN_COSTS,
  PIPEDRIVE_TRACKING_METRICS,
  type PipedriveAssigneeType,
  type PipedriveCurrency,
  PipedriveCurrencySchema,
  type PipedriveGoal,
  type PipedriveGoalBody,
  type PipedriveGoalParams,
  PipedriveGoalSchema,
  type PipedriveGoalTypeName,
  type PipedriveInterval,
  type PipedriveTrackingMetric,
  PROVIDER as PIPEDRIVE_PROVIDER,
  UpsertGoalResponseSchema,
} from './pipedrive-api.ts';
export { createCurrencyTable, type PipedriveCurrencyTable } from './pipedrive-currencies.ts';
export { classifyPipedriveResponse, pipedriveErrorMessage } from './pipedrive-errors.ts';
export { type PipedriveGoalExtensions, PipedriveGoalExtensionsSchema } from './pipedrive-extensions.ts';
export { LIST_QUERIES, type PipedriveFindFilter } from './pipedrive-find-query.ts';
export { checkGoalId, pipedriveInputIssues, pipedrivePatchIssues } from './pipedrive-goal-rules.ts';
export { PIPEDRIVE_DEFAULT_BASE_URL, type PipedriveAdapterOptions } from './pipedrive-options.ts';
export {
  PIPEDRIVE_BURST_LIMITS,
  PIPEDRIVE_BURST_WINDOW_MS,
  PIPEDRIVE_DAILY_TOKENS_PER_SEAT,
  PIPEDRIVE_PLAN_MULTIPLIERS,
  PIPEDRIVE_PLANS,
  type PipedriveAuthKind,
  type PipedrivePlan,
  type PipedriveRateLimitOverride,
  pipedriveDailyTokens,
  pipedriveRateLimitRules,
  readPipedriveRateLimits,
} from './pipedrive-rate-limits.ts';
