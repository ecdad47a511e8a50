/**
 * `checkUpdate` on the sandbox generator's groups agrees with the update itself, which plans against the
 * group as the simulator serves it: the same refusals mid-month, and never a refusal the update does not
 * make when a period bound is within a day of today in the cluster's time zone.
 */
import { createCapillaryAdapter } from '@goalbridge/capillary';
import {
  CAPILLARY_SANDBOX,
  createCapillarySimulator,
  generateCapillaryTargetGroups,
} from '@goalbridge/capillary/testing';
import type { GoalPatchDraft, ValidationIssue } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { CAPILLARY_UPDATES, refusal } from '../support/capillary-updates.ts';

/** A patch as another provider sends it: periods without the group's ids and refs, matched by their dates. */
function withoutIdsOrRefs(patch: GoalPatchDraft): GoalPatchDraft {
  const { schedule } = patch;
  if (!schedule?.periods) return patch;
  const periods = schedule.periods.map(({ id: _id, ref: _ref, ...period }) => period);
  return { ...patch, schedule: { ...schedule, periods } };
}

/** Every change on 40 generated groups, predicted from the goal read just before, then sent. */
async function eachUpdate(
  at: string,
  utcOffset: string,
  seen: (change: string, group: number, predicted: ValidationIssue[], actual: ValidationIssue[]) => void,
  as: (patch: GoalPatchDraft) => GoalPatchDraft = (patch) => patch,
): Promise<void> {
  const now = () => Date.parse(at);
  const simulator = createCapillarySimulator({ rateLimit: false, now, utcOffset });
  const adapter = createCapillaryAdapter({
    auth: CAPILLARY_SANDBOX.basic,
    fetch: simulator.fetch,
    rateLimits: false,
    retry: false,
    now,
  });
  const ids = simulator.seedGroups(
    generateCapillaryTargetGroups({ count: 40, seed: 7, around: '2026-01-01' }),
  );
  for (const id of ids) {
    for (const [change, make] of CAPILLARY_UPDATES) {
      const goal = await adapter.get(String(id));
      const made = make(goal);
      if (!made) continue;
      const patch = as(made);
      const predicted = adapter.checkUpdate(goal, patch);
      seen(change, id, predicted, await refusal(adapter.update(goal.id, patch)));
    }
  }
}

describe('checkUpdate agrees with update on the sandbox groups', () => {
  it('mid-month: the same refusals, for changes Capillary makes and changes it cannot', async () => {
    const outcomes = new Map<string, { made: number; refused: number }>();
    await eachUpdate('2026-02-15T09:00:00Z', '+0000', (change, group, predicted, actual) => {
      expect(predicted, `${change} of group ${group}`).toEqual(actual);
      const counts = outcomes.get(change) ?? { made: 0, refused: 0 };
      counts[actual.length > 0 ? 'refused' : 'made']++;
      outcomes.set(change, counts);
    });
    // Each change is made somewhere and refused somewhere, or is always refused by rule.
    const always = ['other KPI', 'last period removed', 'other tracking type'];
    for (const [change, counts] of outcomes) {
      expect(counts.refused, change).toBeGreaterThan(0);
      if (!always.includes(change)) expect(counts.made, change).toBeGreaterThan(0);
    }
    expect([...outcomes.keys()]).toEqual(CAPILLARY_UPDATES.map(([change]) => change));
  });

  it('mid-month, with periods sent without ids or refs: the same refusals', async () => {
    let refused = 0;
    await eachUpdate(
      '2026-02-15T09:00:00Z',
      '+0000',
      (change, group, predicted, actual) => {
        expect(predicted, `${change} of group ${group}`).toEqual(actual);
        if (actual.length > 0) refused++;
      },
      withoutIdsOrRefs,
    );
    expect(refused).toBeGreaterThan(0);
  });

  it.each([
    ['at the turn of a month, in a cluster behind UTC', '2026-03-01T03:00:00Z', '-0800'],
    ['on the last day of a month, in a cluster ahead of UTC', '2026-02-28T20:00:00Z', '+0530'],
  ])('never refuses what the update makes, %s', async (_name, at, utcOffset) => {
    let lenient = 0;
    await eachUpdate(at, utcOffset, (change, group, predicted, actual) => {
      // Near a period bound the plan lets the update decide: it may predict less, never more. (What it
      // predicts may then be another of the update's reasons, met after the period it cannot tell.)
      const name = `${change} of group ${group}: ${predicted[0]?.message}`;
      if (predicted.length > 0) expect(actual.length, name).toBeGreaterThan(0);
      else if (actual.length > 0) lenient++;
    });
    expect(lenient, 'period bounds within a day of today, left to the update').toBeGreaterThan(0);
  });
});
