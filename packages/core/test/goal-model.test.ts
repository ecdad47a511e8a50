import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ValidationError } from '../src/errors.ts';
import {
  type GoalInputDraft,
  GoalInputSchema,
  GoalPatchSchema,
  GoalSchema,
  toGoalInput,
} from '../src/model/goal.ts';
import { parseOrThrow } from '../src/model/validate.ts';
import { invalidGoalInputs } from '../src/testing/invalid-inputs.ts';

const valid: GoalInputDraft = {
  title: 'Q3 revenue',
  description: 'Team revenue for the quarter',
  owners: [{ type: 'team', id: '7', name: 'EMEA' }],
  measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [1, 2] } },
  target: { value: 250000.5, currency: 'EUR' },
  schedule: {
    start: '2025-07-01',
    end: '2025-09-30',
    recurrence: 'monthly',
    periods: [
      { start: '2025-07-01', end: '2025-07-31', target: '80000' },
      { start: '2025-08-01', end: '2025-08-31', target: '80000' },
    ],
  },
  priority: 4,
  extensions: { pipedrive: { reportIds: ['f37bd66a2ab64d28ff6a9b6d2289813a'] } },
};

function issuesOf(draft: unknown, schema: z.ZodType = GoalInputSchema): string[] {
  const result = schema.safeParse(draft);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('GoalInputSchema', () => {
  it('accepts a full goal and normalizes decimals to canonical text', () => {
    const input = GoalInputSchema.parse(valid);
    expect(input.target).toEqual({ value: '250000.5', currency: 'EUR' });
    expect(input.schedule.periods?.[0]?.target).toBe('80000');
    expect(input.status).toBe('active');
  });

  it('fills defaults for a minimal goal', () => {
    const input = GoalInputSchema.parse({ title: 'Calls', measure: { kind: 'count', metric: 'calls' } });
    expect(input).toEqual({
      title: 'Calls',
      measure: { kind: 'count', metric: 'calls' },
      owners: [],
      target: null,
      schedule: {},
      status: 'active',
      extensions: {},
    });
  });

  it('keeps an open end and open vocabularies', () => {
    const input = GoalInputSchema.parse({
      ...valid,
      owners: [{ type: 'loyalty-segment', id: 'gold' }],
      measure: { kind: 'count', metric: 'capillary:EVENT/VISIT' },
      target: { value: '3' },
      schedule: { start: '2025-01-01', end: null },
    });
    expect(input.schedule.end).toBeNull();
    expect(input.owners[0]?.type).toBe('loyalty-segment');
  });

  it.each(invalidGoalInputs(valid))('refuses bad $path', ({ input, path }) => {
    expect(issuesOf(input)).toContain(path === 'titel' ? '' : path);
  });

  it('names an unknown field by its own path', () => {
    const error = (() => {
      try {
        parseOrThrow(GoalInputSchema, { ...valid, titel: 'typo' }, { subject: 'goal' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toContainEqual({ path: 'titel', message: 'unknown field' });
    expect((error as ValidationError).message).toMatch(/^invalid goal: /);
  });

  it('refuses a currency on a count goal', () => {
    expect(issuesOf({ ...valid, measure: { kind: 'count', metric: 'x' } })).toContain('target.currency');
  });

  it('refuses periods outside the schedule, inverted or overlapping', () => {
    const schedule = { start: '2025-01-01', end: '2025-03-31' };
    expect(
      issuesOf({
        ...valid,
        schedule: { ...schedule, periods: [{ start: '2024-12-01', end: '2025-01-31' }] },
      }),
    ).toContain('schedule.periods.0.start');
    expect(
      issuesOf({
        ...valid,
        schedule: { ...schedule, periods: [{ start: '2025-03-01', end: '2025-04-30' }] },
      }),
    ).toContain('schedule.periods.0.end');
    expect(
      issuesOf({
        ...valid,
        schedule: { ...schedule, periods: [{ start: '2025-02-01', end: '2025-01-31' }] },
      }),
    ).toContain('schedule.periods.0.end');
    const overlapping = [
      { start: '2025-02-01', end: '2025-02-28' },
      { start: '2025-01-01', end: '2025-02-01' },
    ];
    expect(issuesOf({ ...valid, schedule: { ...schedule, periods: overlapping } })).toContain(
      'schedule.periods.0.start',
    );
  });

  it.each([0, 6, 2.5])('refuses priority %p', (priority) => {
    expect(issuesOf({ ...valid, priority })).toContain('priority');
  });

  it('refuses prototype-polluting keys instead of dropping them', () => {
    const polluted = JSON.parse('{"pipedrive": {"__proto__": {"admin": true}}}');
    expect(GoalInputSchema.safeParse({ ...valid, extensions: polluted }).error?.issues[0]).toMatchObject({
      path: ['extensions'],
      message: 'forbidden key "pipedrive.__proto__"',
    });
    const topLevel = JSON.parse(
      `{"__proto__": {"x": 1}, "title": "t", "measure": {"kind": "count", "metric": "m"}}`,
    );
    expect(GoalInputSchema.safeParse(topLevel).success).toBe(false);
    const deep = JSON.parse('{"nested": {"constructor": {"prototype": {}}}}');
    expect(issuesOf({ ...valid, measure: { ...valid.measure, scope: deep } })).toContain('measure.scope');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each(['', ' \t ', '\u00a0\u3000\u2028', '\u200b\u200d\u2060\ufeff'])(
    'refuses a title nobody can see: %j',
    (title) => {
      expect(issuesOf({ ...valid, title })).toContain('title');
    },
  );

  it('refuses JSON data nested too deep to copy or compare, instead of overflowing the stack', () => {
    // JSON.parse takes any depth; copying, comparing or printing 20,000 levels does not.
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    const result = GoalInputSchema.safeParse({ ...valid, extensions: { memory: deep } });
    expect(result.error?.issues[0]?.message).toMatch(/is nested more than 64 levels deep$/);
    expect(issuesOf({ ...valid, measure: { ...valid.measure, scope: { rule: deep } } })).toContain(
      'measure.scope',
    );
    const shallow = JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`);
    expect(GoalInputSchema.safeParse({ ...valid, extensions: { memory: shallow } }).success).toBe(true);
  });

  it('refuses extension namespaces that are not simple names', () => {
    expect(issuesOf({ ...valid, extensions: { 'Pipe Drive': {} } })).toContain('extensions');
  });
});

describe('GoalSchema and GoalPatchSchema', () => {
  const goal = {
    ...GoalInputSchema.parse(valid),
    id: 'g1',
    provider: 'memory',
    createdAt: '2025-01-17T11:18:33+00:00',
  };

  it('normalizes timestamps to UTC', () => {
    expect(GoalSchema.parse(goal).createdAt).toBe('2025-01-17T11:18:33.000Z');
    expect(issuesOf({ ...goal, createdAt: '2025-01-17' }, GoalSchema)).toContain('createdAt');
  });

  it('requires identity on a read goal', () => {
    expect(issuesOf({ ...goal, id: '' }, GoalSchema)).toContain('id');
    expect(issuesOf({ ...goal, provider: undefined }, GoalSchema)).toContain('provider');
  });

  it('turns a read goal back into a create input', () => {
    const input = toGoalInput(GoalSchema.parse(goal));
    expect(input).not.toHaveProperty('id');
    expect(input).not.toHaveProperty('createdAt');
    expect(GoalInputSchema.parse(input)).toEqual(input);
  });

  it('accepts any subset in a patch, with the same field rules', () => {
    expect(GoalPatchSchema.parse({})).toEqual({});
    expect(GoalPatchSchema.parse({ title: 'New' })).toEqual({ title: 'New' });
    expect(issuesOf({ title: '' }, GoalPatchSchema)).toContain('title');
    expect(issuesOf({ schedule: { start: '2025-02-01', end: '2025-01-01' } }, GoalPatchSchema)).toContain(
      'schedule.end',
    );
    expect(issuesOf({ id: 'x' }, GoalPatchSchema)).toContain('');
  });
});
