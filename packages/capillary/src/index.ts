/**
 * @goalbridge/capillary — Capillary target groups (API v3) as goals: the adapter, its options, the pure
 * mappers for ETL use and the raw payload schemas. The simulator lives in `@goalbridge/capillary/testing`.
 */
export { createCapillaryAdapter } from './capillary-adapter.ts';
export {
  type CapillaryDefaultValue,
  type CapillaryFilter,
  type CapillaryPeriod,
  type CapillaryPeriodRequest,
  CapillaryPeriodRequestSchema,
  CapillaryPeriodSchema,
  type CapillaryStreak,
  type CapillaryStreakRequest,
  CapillaryStreakSchema,
  type CapillaryTarget,
  type CapillaryTargetGroup,
  type CapillaryTargetGroupRequest,
  CapillaryTargetGroupRequestSchema,
  CapillaryTargetGroupSchema,
  type CapillaryTargetRequest,
  CapillaryTargetRequestSchema,
  CapillaryTargetSchema,
  type CapillaryUserTarget,
  type CapillaryUserTargetGroups,
  CapillaryUserTargetGroupsSchema,
  ENUM_ALIASES,
  EVALUATION_TYPES,
  envelopeSchema,
  FREQUENCY_TYPES,
  MAX_PERIODS,
  TARGET_TYPES_BY_ENTITY,
  TRACKING_TYPES,
} from './capillary-api.ts';
export { basicAuthorization, OAUTH_TOKEN_HEADER } from './capillary-auth.ts';
export { CAPILLARY_ERROR_CODES, classifyCapillaryResponse } from './capillary-errors.ts';
export {
  type CapillaryAdditionalTarget,
  type CapillaryExtension,
  CapillaryExtensionSchema,
  type CapillaryScope,
  CapillaryScopeSchema,
} from './capillary-extension.ts';
export { CAPILLARY_METRICS, parseMetric } from './capillary-metric.ts';
export {
  CAPILLARY_CLUSTERS,
  type CapillaryAdapterOptions,
  type CapillaryAttribution,
  type CapillaryBasicAuth,
  type CapillaryCluster,
  type CapillaryHooks,
  type CapillaryOAuth,
} from './capillary-options.ts';
export {
  CAPILLARY_RATE_LIMITS,
  CAPILLARY_REQUESTS_PER_MINUTE,
  capillaryRateLimits,
} from './capillary-rate-limits.ts';
export {
  type CapillaryWriteOptions,
  checkGoalForCapillary,
  goalToCapillaryTargetGroup,
} from './convert-to-capillary-target-group.ts';
export { CAPILLARY_PROVIDER, capillaryTargetGroupToGoal } from './map-capillary-goal.ts';
export { md5Hex } from './md5.ts';
