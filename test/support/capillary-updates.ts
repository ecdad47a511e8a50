/**
 * Changes a migration may ask of a Capillary group — some Capillary makes, some it cannot — for the tests
 * that hold `checkUpdate`'s prediction to what the update itself does.
 */
import {
  addDays,
  type Goal,
  type GoalPatchDraft,
  refusalIssues,
  type ValidationIssue,
} from '@goalbridge/core';

type PatchMaker = (goal: Goal) => GoalPatchDraft | undefined;

const periodsOf = (goal: Goal) => goal.schedule.periods ?? [];
const OTHER_TRACKING: Readonly<Record<string, string>> = { DEFAULT: 'CAPPING', CAPPING: 'DEFAULT' };

/** Each change by name; `undefined` where it does not apply to the goal (no periods to move). */
export const CAPILLARY_UPDATES: readonly [string, PatchMaker][] = [
  ['rename', (goal) => ({ title: `${goal.title} (renamed)` })],
  ['new target value', () => ({ target: { value: '4321' } })],
  [
    'other KPI',
    (goal) => ({
      measure:
        goal.measure.metric === 'TRANSACTION/COUNT'
          ? { kind: 'money', metric: 'TRANSACTION/SALES' }
          : { kind: 'count', metric: 'TRANSACTION/COUNT' },
    }),
  ],
  [
    'first period starts a day earlier',
    (goal) => {
      const [first, ...rest] = periodsOf(goal);
      if (!first) return undefined;
      const start = addDays(first.start, -1);
      return { schedule: { ...goal.schedule, start, periods: [{ ...first, start }, ...rest] } };
    },
  ],
  [
    'last period ends a day later',
    (goal) => {
      const periods = periodsOf(goal);
      const last = periods.at(-1);
      if (!last) return undefined;
      const end = addDays(last.end, 1);
      return { schedule: { ...goal.schedule, end, periods: [...periods.slice(0, -1), { ...last, end }] } };
    },
  ],
  [
    'last period removed',
    (goal) => {
      const periods = periodsOf(goal);
      if (periods.length < 2) return undefined;
      const kept = periods.slice(0, -1);
      return { schedule: { ...goal.schedule, end: kept.at(-1)?.end, periods: kept } };
    },
  ],
  [
    'other tracking type',
    (goal) => {
      const capillary = goal.extensions.capillary as { trackingType?: string } | undefined;
      const trackingType = OTHER_TRACKING[capillary?.trackingType ?? 'DEFAULT'];
      return trackingType ? { extensions: { capillary: { ...capillary, trackingType } } } : undefined;
    },
  ],
  ['status flipped', (goal) => ({ status: goal.status === 'active' ? 'inactive' : 'active' })],
];

/**
 * The issues an update failed with, as `checkUpdate` reports them; `[]` when it went through. Any other
 * failure is `otherwise`'s to judge (a test server that refuses every write), or thrown.
 */
export function refusal(
  update: Promise<unknown>,
  otherwise: (error: unknown) => ValidationIssue[] = (error) => {
    throw error;
  },
): Promise<ValidationIssue[]> {
  return update.then(
    () => [],
    (error: unknown) => refusalIssues(error) ?? otherwise(error),
  );
}
