/**
 * Goal → Plannr → Goal over generated goals, through the adapter and the simulator: what Plannr can hold comes
 * back unchanged from the create answer and from a later read, with no warning on the way.
 */
import { type GoalInput, GoalInputSchema } from '@goalbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPlannrAdapter, PLANNR_MEASURE } from '../src/index.ts';
import { createPlannrSimulator, PLANNR_SANDBOX } from '../src/testing/index.ts';

const clients = PLANNR_SANDBOX.clientAccounts.map((account) => account.uuid);
const circles = PLANNR_SANDBOX.circles.map((circle) => circle.uuid);

/** Text Plannr keeps as written: trimmed, not empty, within its limit. */
const text = (max: number) =>
  fc
    .string({ minLength: 1, maxLength: 60, unit: 'grapheme' })
    .map((value) => value.trim())
    .filter((value) => value.length > 0 && [...value].length <= max);
const pennies = fc.bigInt({ min: 0n, max: 10n ** 15n });
const date = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2080, 0, 1) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

/** Goals in the part of the model Plannr can hold. */
const plannrGoal: fc.Arbitrary<GoalInput> = fc
  .record({
    title: text(255),
    description: fc.option(text(5000)),
    owners: fc.uniqueArray(fc.constantFrom(...clients), { minLength: 1, maxLength: 3 }),
    target: fc.option(
      pennies.map((units) => ({
        value: `${units / 100n}.${String(units % 100n).padStart(2, '0')}`,
        currency: 'GBP',
      })),
    ),
    end: fc.option(date),
    priority: fc.option(fc.integer({ min: 1, max: 5 })),
    percent: fc.option(fc.integer({ min: 0, max: 100 })),
    timeframe: fc.option(text(255)),
    shownOnCircles: fc.boolean(),
    visibleToCirclesUuids: fc.uniqueArray(fc.constantFrom(...circles), { maxLength: 3 }),
  })
  .map((goal) =>
    GoalInputSchema.parse({
      title: goal.title,
      description: goal.description,
      owners: goal.owners.map((id) => ({ type: 'account', id })),
      measure: PLANNR_MEASURE,
      target: goal.target,
      schedule: { end: goal.end, recurrence: 'none' },
      priority: goal.priority,
      progress: goal.percent === null ? {} : { percent: goal.percent },
      extensions: {
        plannr: {
          timeframe: goal.timeframe,
          shownOnCircles: goal.shownOnCircles,
          visibleToCirclesUuids: goal.visibleToCirclesUuids,
        },
      },
    }),
  );

describe('Goal → Plannr → Goal', () => {
  it('keeps every field Plannr can hold, in the create answer and in a later read', async () => {
    const simulator = createPlannrSimulator({ rateLimit: false });
    const adapter = createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      fetch: simulator.fetch,
      rateLimits: false,
    });
    await fc.assert(
      fc.asyncProperty(plannrGoal, async (input) => {
        const { goal, warnings } = await adapter.create(input);
        expect(warnings).toEqual([]);
        const read = await adapter.get(goal.id);
        for (const result of [goal, read]) {
          const { id, provider, createdAt, updatedAt, extensions, ...fields } = result;
          const { extensions: written, ...expected } = input;
          expect(fields).toEqual(expected);
          expect(extensions.plannr).toEqual({
            ...written.plannr,
            sharedOwnerType: input.owners.length === 1 ? 'individual' : 'shared',
          });
          expect([id, provider, createdAt === updatedAt]).toEqual([goal.id, 'plannr', true]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
