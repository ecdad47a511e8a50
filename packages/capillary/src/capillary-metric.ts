/**
 * `measure.metric` for Capillary is `<targetEntity>/<targetType>` (shared mapping vocabulary), e.g.
 * `TRANSACTION/SALES`. Sales targets are money (without currency); every other KPI is a count.
 */
import { canonicalEnum, MONEY_TARGET_TYPES, TARGET_TYPES_BY_ENTITY } from './capillary-api.ts';

export interface CapillaryKpi {
  /** Canonical spelling (`POINTS`, not the docs' `REWARDS`). */
  targetEntity: string;
  targetType: string;
}

/** Every metric a write accepts, in the KPI table's order (reference §2.1). */
export const CAPILLARY_METRICS: readonly string[] = Object.entries(TARGET_TYPES_BY_ENTITY).flatMap(
  ([entity, types]) => types.map((type) => `${entity}/${type}`),
);

export function metricOf(targetEntity: string, targetType: string): string {
  return `${targetEntity}/${targetType}`;
}

/** The KPI a metric names, or `undefined` when Capillary has no such entity/type pair (310033). */
export function parseMetric(metric: string): CapillaryKpi | undefined {
  const parts = metric.split('/');
  if (parts.length !== 2) return undefined;
  const targetEntity = canonicalEnum(parts[0] as string);
  const targetType = parts[1] as string;
  return TARGET_TYPES_BY_ENTITY[targetEntity]?.includes(targetType)
    ? { targetEntity, targetType }
    : undefined;
}

export function measureKindOf(targetType: string): 'count' | 'money' {
  return MONEY_TARGET_TYPES.has(targetType) ? 'money' : 'count';
}

/** The issue message for a metric Capillary cannot track. */
export function unknownMetricMessage(metric: string): string {
  return `must be <targetEntity>/<targetType> that Capillary tracks, one of ${CAPILLARY_METRICS.join(', ')}; got ${JSON.stringify(metric)}`;
}
