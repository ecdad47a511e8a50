/**
 * Recurrence ⇄ periods. A Capillary group tracks only inside explicit periods (cycles) with fixed dates,
 * at most 100 of them (reference §2); a Goal may instead say "monthly from 2026-01-01 to 2026-12-31". This
 * file expands a recurrence into one period per interval and reads a recurrence back from `frequencyType`.
 */
import { addDays, addMonths, type IsoDate, ownValue, type Recurrence } from '@goalbridge/core';
import { type FrequencyType, MAX_PERIODS } from './capillary-api.ts';

export const FREQUENCY_BY_RECURRENCE: Readonly<Record<Recurrence, FrequencyType>> = {
  none: 'CUSTOM',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  half_yearly: 'HALF_YEARLY',
  yearly: 'YEARLY',
  custom: 'CUSTOM',
};

const RECURRENCE_BY_FREQUENCY: Readonly<Record<string, Recurrence>> = {
  DAILY: 'daily',
  WEEKLY: 'weekly',
  MONTHLY: 'monthly',
  QUARTERLY: 'quarterly',
  HALF_YEARLY: 'half_yearly',
  YEARLY: 'yearly',
};

/** How far one interval reaches: whole days or whole months. */
const STEP: Readonly<Record<string, { days?: number; months?: number }>> = {
  daily: { days: 1 },
  weekly: { days: 7 },
  monthly: { months: 1 },
  quarterly: { months: 3 },
  half_yearly: { months: 6 },
  yearly: { months: 12 },
};

/** The four frequency fields of a create request. */
export interface FrequencyFields {
  frequencyType: FrequencyType;
  frequency: number;
  recurringCycles: number;
  totalPeriods: number;
}

export interface DateWindow {
  start: IsoDate;
  end: IsoDate;
}

/**
 * The Goal recurrence a group's `frequencyType` means. `frequency` counts units per cycle (DAILY with 10 is
 * a 10-day cycle, reference §2.1), which no Goal recurrence says, so it reads as `custom`; 0 occurs on
 * legacy groups and means one unit. CUSTOM with a single period is a goal that does not recur.
 */
export function recurrenceOfFrequency(
  frequencyType: string | null | undefined,
  frequency: number | null | undefined,
  periodCount: number,
): Recurrence | undefined {
  if (frequencyType === 'CUSTOM') return periodCount === 1 ? 'none' : 'custom';
  const recurrence = frequencyType ? ownValue(RECURRENCE_BY_FREQUENCY, frequencyType) : undefined;
  if (!recurrence) return undefined;
  return frequency === undefined || frequency === null || frequency <= 1 ? recurrence : 'custom';
}

/** True when a recurrence can be expanded into periods from dates alone. */
export function isExpandable(recurrence: Recurrence | undefined): boolean {
  return recurrence !== undefined && recurrence in STEP;
}

/** Start of the `index`-th interval after `start`, counted from `start` so month ends do not drift. */
function intervalStart(start: IsoDate, recurrence: Recurrence, index: number): IsoDate {
  const step = STEP[recurrence] ?? {};
  return step.months ? addMonths(start, step.months * index) : addDays(start, (step.days ?? 1) * index);
}

export interface Expansion {
  periods: DateWindow[];
  /** The schedule had no end and was cut at {@link MAX_PERIODS} cycles. */
  capped: boolean;
  /** The last period is shorter than an interval because the schedule ends mid-interval. */
  truncated: boolean;
  /** More than {@link MAX_PERIODS} intervals fit between start and end (expansion stops counting there). */
  tooMany: boolean;
}

/** One period per interval from `start`, up to `end` (or {@link MAX_PERIODS} cycles when open-ended). */
export function expandRecurrence(
  start: IsoDate,
  end: IsoDate | null | undefined,
  recurrence: Recurrence,
): Expansion {
  const periods: DateWindow[] = [];
  let truncated = false;
  for (let index = 0; index <= MAX_PERIODS; index++) {
    const from = intervalStart(start, recurrence, index);
    if (end && from > end) break;
    if (!end && index === MAX_PERIODS) break;
    const natural = addDays(intervalStart(start, recurrence, index + 1), -1);
    truncated = Boolean(end && natural > end);
    periods.push({ start: from, end: end && natural > end ? end : natural });
  }
  const tooMany = periods.length > MAX_PERIODS;
  return { periods: periods.slice(0, MAX_PERIODS), capped: !end, truncated: truncated && !tooMany, tooMany };
}

/** Period datetimes in requests: local to the cluster, without offset, as the OpenAPI descriptions show (§1.3). */
export function periodStartDateTime(date: IsoDate): string {
  return `${date}T00:00:00.000`;
}

export function periodEndDateTime(date: IsoDate): string {
  return `${date}T23:59:59.999`;
}

/** The frequency fields the writer derives for a schedule; read values equal to these are not kept. */
export function derivedFrequency(recurrence: Recurrence | undefined, periodCount: number): FrequencyFields {
  const effective: Recurrence = recurrence ?? (periodCount === 1 ? 'none' : 'custom');
  const recurring = effective !== 'none' && effective !== 'custom';
  const frequencyType = FREQUENCY_BY_RECURRENCE[effective];
  return {
    frequencyType,
    frequency: recurring ? 1 : 0,
    recurringCycles: periodCount,
    totalPeriods: periodCount,
  };
}
