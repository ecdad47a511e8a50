/**
 * Customer progress → GoalProgress. Capillary tracks progress per enrolled customer, per target and per
 * period: `targetValue` (the goal for that period) and `targetAchievedValue` (reference §4.10).
 */
import {
  type GoalProgress,
  type IsoDate,
  minorUnitsToDecimal,
  parseDateTime,
  parseDecimal,
} from '@goalbridge/core';
import type { CapillaryUserTarget, CapillaryUserTargetGroups } from './capillary-api.ts';
import { dateOnly } from './map-capillary-goal.ts';

/** Decimal places of `percent`: progress is for display, so it is rounded half up here, never money. */
const PERCENT_SCALE = 2;

function scaled(value: string): { units: bigint; scale: number } {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const units = BigInt(`${whole}${fraction}`);
  return { units: negative ? -units : units, scale: fraction.length };
}

/** `achieved` as a percentage of `target`, rounded half up to 2 places; undefined for a zero target. */
export function percentOf(achieved: string, target: string): string | undefined {
  const a = scaled(achieved);
  const t = scaled(target);
  if (t.units === 0n) return undefined;
  const scale = Math.max(a.scale, t.scale);
  const numerator = a.units * 10n ** BigInt(scale - a.scale) * 100n * 10n ** BigInt(PERCENT_SCALE);
  const denominator = t.units * 10n ** BigInt(scale - t.scale);
  const quotient = (2n * numerator + denominator) / (2n * denominator);
  return minorUnitsToDecimal(quotient, PERCENT_SCALE);
}

/** The rows of one target of one group. */
export function progressRows(
  data: CapillaryUserTargetGroups,
  groupId: number,
  targetId: number,
): CapillaryUserTarget[] {
  const group = data.targetGroups.find((item) => item.id === groupId);
  return (group?.targets ?? []).filter((row) => row.targetRuleId === targetId);
}

/**
 * The row for a period: the one asked for, else the current one, else the latest that has started, else
 * the first. `undefined` when the asked period has no row.
 */
export function pickProgressRow(
  rows: readonly CapillaryUserTarget[],
  today: IsoDate,
  period?: { start: IsoDate; end: IsoDate },
): CapillaryUserTarget | undefined {
  if (period) {
    return rows.find(
      (row) => dateOnly(row.periodStartDate) === period.start && dateOnly(row.periodEndDate) === period.end,
    );
  }
  const started = rows.filter((row) => dateOnly(row.periodStartDate) <= today);
  return (
    rows.find((row) => row.currentPeriod === true) ??
    started.sort((a, b) => (dateOnly(a.periodStartDate) < dateOnly(b.periodStartDate) ? 1 : -1))[0] ??
    rows[0]
  );
}

export function userTargetToProgress(row: CapillaryUserTarget): GoalProgress {
  const achieved = parseDecimal(row.targetAchievedValue ?? 0) ?? '0';
  const target =
    row.targetValue === null || row.targetValue === undefined ? undefined : parseDecimal(row.targetValue);
  const percent = target === undefined ? undefined : percentOf(achieved, target);
  const asOf = row.lastUpdatedOn ? parseDateTime(row.lastUpdatedOn) : undefined;
  return {
    achieved,
    ...(percent !== undefined && !percent.startsWith('-') ? { percent } : {}),
    period: { start: dateOnly(row.periodStartDate), end: dateOnly(row.periodEndDate) },
    ...(asOf ? { asOf } : {}),
  };
}
