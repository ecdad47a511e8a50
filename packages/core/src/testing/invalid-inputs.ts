import { type GoalInputDraft, LIMITS } from '../model/goal.ts';

export interface InvalidInputCase {
  input: GoalInputDraft;
  /** The field path the validation error must name. */
  path: string;
}

/**
 * Variations of a valid input that every adapter must refuse: the model's own rules (empty title, negative or
 * non-numeric target, end before start, unknown currency, bad dates, over-long text).
 */
export function invalidGoalInputs(valid: GoalInputDraft): InvalidInputCase[] {
  const start = valid.schedule?.start ?? '2025-01-01';
  const money = { kind: 'money', metric: valid.measure.metric } as const;
  return [
    { path: 'title', input: { ...valid, title: '' } },
    { path: 'title', input: { ...valid, title: '   ' } },
    { path: 'title', input: { ...valid, title: 'x'.repeat(LIMITS.title + 1) } },
    { path: 'description', input: { ...valid, description: 'x'.repeat(LIMITS.description + 1) } },
    { path: 'target.value', input: { ...valid, target: { value: '-5' } } },
    { path: 'target.value', input: { ...valid, target: { value: 'ten' } } },
    { path: 'target.value', input: { ...valid, target: { value: Number.NaN } } },
    {
      path: 'target.currency',
      input: { ...valid, measure: money, target: { value: '10', currency: 'XYZ' } },
    },
    {
      path: 'target.currency',
      input: { ...valid, measure: money, target: { value: '10', currency: 'eur' } },
    },
    {
      path: 'schedule.end',
      input: { ...valid, schedule: { ...valid.schedule, start: '2025-06-01', end: '2025-05-31' } },
    },
    { path: 'schedule.start', input: { ...valid, schedule: { ...valid.schedule, start: '01/02/2025' } } },
    { path: 'schedule.end', input: { ...valid, schedule: { ...valid.schedule, start, end: '2025-02-30' } } },
    { path: 'measure.kind', input: { ...valid, measure: { ...valid.measure, kind: 'percent' as 'count' } } },
    { path: 'titel', input: { ...valid, titel: 'typo' } as GoalInputDraft },
  ];
}
