/**
 * `checkUpdate` predicts, from a goal as read, what an update would be refused for, so a plan marks it
 * invalid instead of every run failing it. Its agreement with the update on the sandbox groups and on the
 * documented ones is tested in test/capillary.
 */
import { type Goal, type GoalPatchDraft, UnsupportedError } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { kit, quarterly } from './capillary-test-kit.ts';

const periodsOf = (goal: Goal) => goal.schedule.periods ?? [];

describe('checkUpdate', () => {
  it('names the field of each refusal', async () => {
    const { adapter } = kit();
    const { goal } = await adapter.create(quarterly());
    const [january, february, march] = periodsOf(goal);
    const paths = (patch: GoalPatchDraft) => adapter.checkUpdate(goal, patch).map((issue) => issue.path);
    expect(paths({ measure: { kind: 'count', metric: 'TRANSACTION/COUNT' } })).toEqual(['measure']);
    const scope = { ...goal.measure.scope, eventName: 'ReturnBill' };
    expect(paths({ measure: { ...goal.measure, scope } as never })).toEqual(['measure.scope']);
    expect(paths({ schedule: { ...goal.schedule, periods: [january, february] as never } })).toEqual([
      'schedule.periods',
    ]);
    expect(
      paths({
        schedule: {
          ...goal.schedule,
          periods: [january, { ...february, start: '2026-02-02' }, march] as never,
        },
      }),
    ).toEqual(['schedule.periods']);
    expect(paths({ schedule: { ...goal.schedule, recurrence: 'quarterly' } as never })).toEqual([
      'schedule.recurrence',
    ]);
    expect(paths({ extensions: { capillary: { trackingType: 'CAPPING' } } })).toEqual([
      'extensions.capillary',
    ]);
    expect(paths({ title: 'x'.repeat(201) })).toEqual(['title']);
    expect(paths({ title: 'Q1 spend, renamed' })).toEqual([]);
  });

  it('lets the update decide when a period bound is within a day of today (Capillary’s time zone)', async () => {
    const { adapter, advance } = kit();
    const { goal } = await adapter.create(quarterly());
    // 2026-02-01 09:00 UTC: January ended yesterday, which a cluster behind UTC may not see yet.
    advance(Date.parse('2026-02-01T09:00:00Z') - Date.parse('2026-02-15T09:00:00Z'));
    const [january, ...rest] = periodsOf(goal);
    const patch = { schedule: { ...goal.schedule, periods: [{ ...january, end: '2026-01-30' }, ...rest] } };
    expect(adapter.checkUpdate(goal, patch as never)).toEqual([]);
    const error = await adapter.update(goal.id, patch as never).catch((caught: unknown) => caught);
    expect(UnsupportedError.isInstance(error) && error.message).toMatch(/period Cycle_1: it has ended/);
    // Once January is two days behind, the plan knows it too.
    advance(86_400_000);
    expect(adapter.checkUpdate(goal, patch as never)).toEqual([
      {
        path: 'schedule.periods',
        message: 'capillary cannot change the dates of period Cycle_1: it has ended',
      },
    ]);
  });

  it('without the group to plan against, predicts what the patch and the goal alone show', async () => {
    const { adapter, log } = kit();
    const { goal } = await adapter.create(quarterly());
    const requests = log.length;
    // Periods without ids: the group cannot be rebuilt from this goal.
    const unplaced = { ...goal, schedule: { ...goal.schedule, periods: [] } } as Goal;
    const [january, ...rest] = periodsOf(goal).map(({ id: _id, ...period }) => period);
    const paths = (patch: GoalPatchDraft) => adapter.checkUpdate(unplaced, patch).map((issue) => issue.path);
    expect(paths({ measure: { kind: 'count', metric: 'TRANSACTION/COUNT' } })).toEqual(['measure']);
    expect(paths({ target: { value: '1.0001' } })).toEqual(['target.value']);
    // An ended period shows only against the group: left to the update.
    const moved = [{ ...january, end: '2026-01-30' }, ...rest];
    expect(paths({ schedule: { ...goal.schedule, periods: moved } as never })).toEqual([]);
    expect(log).toHaveLength(requests);
  });
});
