export {
  type ApplyEvent,
  type ApplyOptions,
  apply,
  type ItemOutcome,
  type PlanStream,
  type TargetClaims,
} from './apply.ts';
export { covers, diffGoal, sameValue, storedFields, unstoredPaths } from './compare.ts';
export { type IdMapEntry, type IdMapStore, MemoryIdMapStore, sourceRef } from './id-map.ts';
export { type MigrateOptions, migrate } from './migrate.ts';
export { type NaturalKeyFunction, naturalKeyFor } from './natural-key.ts';
export { lookupOwner, type OwnerMap, parseOwnerMap } from './owner-map.ts';
export {
  type ConflictPolicy,
  listedTwiceReason,
  type MatchKind,
  type MeasureDefault,
  type MigrationPlan,
  type PlanAction,
  type PlanContext,
  type PlanDefaults,
  type PlanItem,
  type PlanOptions,
  plan,
  planContext,
  planGoal,
  planItems,
  RepeatedSources,
  repeatDifferences,
} from './plan.ts';
export { type MigrationSummary, type WarningGroup, WarningGroups } from './summary.ts';
