/**
 * `checkUpdate` predicts, from a goal as read, what an update would be refused for, so a plan marks it
 * invalid instead of every run failing it. It must agree with the update itself, which plans against the
 * group as Capillary serves it at that moment.
 */
import {
  type Goal,
  type GoalPatchDraft,
  refusalIssues,
  UnsupportedError,
  type ValidationIssue,
} from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { generateCapillaryTargetGroups } from '../src/testing/index.ts';
import { kit, quarterly } from './capillary-test-kit.ts';

type PatchMaker = (goal: Goal) => GoalPatchDraft | undefined;

const periodsOf = (goal: Goal) => goal.schedule.periods ?? [];
const OTHER_TRACKING = { DEFAULT: 'CAPPING', CAPPING: 'DEFAULT' } as Record<string, string>;

/** Changes a migration may ask of a group, some that Capillary makes and some it cannot. */
const PATCHES: readonly [string, PatchMaker][] = [
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
      const start = new Date(Date.parse(first.start) - 86_400_000).toISOString().slice(0, 10);
      return { schedule: { ...goal.schedule, start, periods: [{ ...first, start }, ...rest] } };
    },
  ],
  [
    'last period ends a day later',
    (goal) => {
      const periods = periodsOf(goal);
      const last = periods.at(-1);
      if (!last) return undefined;
      const end = new Date(Date.parse(last.end) + 86_400_000).toISOString().slice(0, 10);
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

/** The issues an update failed with, as `checkUpdate` reports them; `[]` when it went through. */
async function refusal(update: Promise<unknown>): Promise<ValidationIssue[]> {
  return update.then(
    () => [],
    (error: unknown) => {
      const issues = refusalIssues(error);
      if (!issues) throw error;
      return issues;
    },
  );
}

/** Every patch of {@link PATCHES} on each seeded group, predicted from the goal read just before, then sent. */
async function eachUpdate(
  setup: ReturnType<typeof kit>,
  seen: (name: string, predicted: ValidationIssue[], actual: ValidationIssue[]) => void,
): Promise<void> {
  const { adapter, simulator } = setup;
  const ids = simulator.seedGroups(generateCapillaryTargetGroups({ count: 40, seed: 7 }));
  for (const id of ids) {
    for (const [name, make] of PATCHES) {
      const goal = await adapter.get(String(id));
      const patch = make(goal);
      if (!patch) continue;
      const predicted = adapter.checkUpdate(goal, patch);
      seen(`${name} of group ${id}`, predicted, await refusal(adapter.update(goal.id, patch)));
    }
  }
}

describe('checkUpdate agrees with update', () => {
  it('on the sandbox generator’s groups, for changes Capillary makes and changes it refuses', async () => {
    const outcomes = new Map<string, { made: number; refused: number }>();
    await eachUpdate(kit(), (name, predicted, actual) => {
      expect(predicted, name).toEqual(actual);
      const change = name.replace(/ of group \d+$/, '');
      const counts = outcomes.get(change) ?? { made: 0, refused: 0 };
      counts[actual.length > 0 ? 'refused' : 'made']++;
      outcomes.set(change, counts);
    });
    // Each kind of change is made somewhere and refused somewhere, or is always refused by rule.
    const always = ['other KPI', 'last period removed', 'other tracking type'];
    for (const [name, counts] of outcomes) {
      expect(counts.refused, name).toBeGreaterThan(0);
      if (!always.includes(name)) expect(counts.made, name).toBeGreaterThan(0);
    }
    expect([...outcomes.keys()]).toEqual(PATCHES.map(([name]) => name));
  });

  it.each([
    ['at the turn of a month, in a cluster behind UTC', '2026-03-01T03:00:00Z', '-0800'],
    ['on the last day of a month, in a cluster ahead of UTC', '2026-02-28T20:00:00Z', '+0530'],
  ])('never refuses what the update makes, %s', async (_name, at, utcOffset) => {
    const setup = kit({ simulator: { utcOffset } });
    setup.advance(Date.parse(at) - Date.parse('2026-02-15T09:00:00Z'));
    let lenient = 0;
    await eachUpdate(setup, (name, predicted, actual) => {
      // Near a period bound the plan lets the update decide: it may predict less, never more. (What it
      // predicts may then be another of the update's reasons, met after the period it cannot tell.)
      if (predicted.length > 0) expect(actual.length, `${name}: ${predicted[0]?.message}`).toBeGreaterThan(0);
      else if (actual.length > 0) lenient++;
    });
    expect(lenient, 'period bounds within a day of today, left to the update').toBeGreaterThan(0);
  });

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

  it('predicts nothing for a goal that was not read from Capillary, beyond what the patch alone shows', async () => {
    const { adapter, log } = kit();
    const { goal } = await adapter.create(quarterly());
    const requests = log.length;
    const foreign = {
      ...goal,
      provider: 'memory',
      extensions: {},
      schedule: { ...goal.schedule, periods: [] },
    };
    expect(
      adapter.checkUpdate(foreign as Goal, { measure: { kind: 'count', metric: 'TRANSACTION/COUNT' } }),
    ).toEqual([]);
    expect(
      adapter.checkUpdate(foreign as Goal, { target: { value: '1.0001' } }).map((issue) => issue.path),
    ).toEqual(['target.value']);
    expect(log).toHaveLength(requests);
  });
});
