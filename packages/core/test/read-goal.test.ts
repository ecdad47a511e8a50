/** readMappedGoal: the last step of every provider's read. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Goal,
  GoalSchema,
  InvalidResponseError,
  type MappingWarning,
  readMappedGoal,
} from '../src/index.ts';

const context = { provider: 'acme', what: 'goal 7' };
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

const goal = (changes: Partial<Goal> = {}): Goal => ({
  id: '7',
  provider: 'acme',
  title: 'Q3 revenue',
  owners: [],
  measure: { kind: 'money', metric: 'revenue' },
  target: { value: '1000' },
  schedule: { start: '2026-07-01', end: '2026-09-30' },
  status: 'active',
  extensions: {},
  ...changes,
});

const earlier: MappingWarning = { field: 'title', reason: 'from the mapper', action: 'kept' };

/** `depth` objects nested under `key`, with 1 inside the last. */
/** JSON data as a namespace of extensions holds it. */
type Kept = Goal['extensions'][string];

const nested = (depth: number, key = 'a'): Kept =>
  JSON.parse(`${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`);

describe('readMappedGoal', () => {
  it('returns a valid goal with the mapper’s warnings and nothing added', () => {
    const mapped = { value: goal({ extensions: { acme: { extra: { note: 'x' } } } }), warnings: [earlier] };
    expect(readMappedGoal(mapped, context)).toEqual(mapped);
  });

  it('drops keys that can reach a prototype from extensions and the scope, each with a warning at its path', () => {
    const extensions = JSON.parse(
      '{"acme":{"extra":{"__proto__":{"admin":true},"list":[{"constructor":1,"keep":2}],"ok":3},"prototype":4}}',
    );
    const scope = JSON.parse('{"filters":[1],"constructor":{"prototype":{}}}');
    const { value, warnings } = readMappedGoal(
      {
        value: goal({ extensions, measure: { kind: 'count', metric: 'calls', scope } }),
        warnings: [earlier],
      },
      context,
    );
    expect(value.extensions).toEqual({ acme: { extra: { list: [{ keep: 2 }], ok: 3 } } });
    expect(value.measure.scope).toEqual({ filters: [1] });
    expect(warnings).toEqual([
      earlier,
      ...[
        'extensions.acme.extra.__proto__',
        'extensions.acme.extra.list.0.constructor',
        'extensions.acme.prototype',
        'measure.scope.constructor',
      ].map((field) => ({
        field,
        reason: 'the answer holds a JSON key that can reach a prototype',
        action: 'dropped',
      })),
    ]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('keeps JSON down to the Goal’s 64 levels and drops what lies deeper (an array keeps the place as null)', () => {
    // extensions is level 0, acme 1, list 2, its items 3: 61 more levels reach the last object the Goal keeps.
    const inArray = JSON.parse(`${'{"a":'.repeat(62)}[{"x":1},2]${'}'.repeat(62)}`);
    const extensions = { acme: { list: [nested(61), nested(62)] }, other: inArray };
    const { value, warnings } = readMappedGoal({ value: goal({ extensions }), warnings: [] }, context);
    expect(value.extensions).toEqual({
      acme: { list: [nested(61), JSON.parse(`${'{"a":'.repeat(60)}{}${'}'.repeat(60)}`)] },
      other: JSON.parse(`${'{"a":'.repeat(62)}[null,2]${'}'.repeat(62)}`),
    });
    expect(warnings).toEqual(
      [`extensions.acme.list.1${'.a'.repeat(61)}`, `extensions.other${'.a'.repeat(62)}.0`].map((field) => ({
        field,
        reason: 'the answer holds JSON nested more than 64 levels deep',
        action: 'dropped',
      })),
    );
    expect(GoalSchema.safeParse(value).success).toBe(true);
  });

  it('reads data nested 20,000 deep without overflowing the stack', () => {
    const { value, warnings } = readMappedGoal(
      { value: goal({ extensions: { acme: { extra: nested(20_000) } } }), warnings: [] },
      context,
    );
    expect(GoalSchema.safeParse(value).success).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a goal wrong elsewhere with an InvalidResponseError naming it and each bad field', () => {
    const extensions = JSON.parse('{"acme":{"__proto__":1}}');
    let error: unknown;
    try {
      readMappedGoal({ value: goal({ title: ' ', extensions }), warnings: [] }, context);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as InvalidResponseError).message).toMatch(/^acme sent an unexpected goal 7: title/);
    expect((error as InvalidResponseError).issues.map((issue) => issue.path)).toEqual(['title']);
  });

  it('always gives a valid goal for any JSON in extensions, unchanged when it was valid (property)', () => {
    const key = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'a'),
      fc.string(),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, tie('value'), { maxKeys: 3 }).map((record) => JSON.parse(JSON.stringify(record))),
      ),
    })).value;
    const record = fc.dictionary(key, json, { maxKeys: 4 }).map((value) => JSON.parse(JSON.stringify(value)));
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('acme', 'other'), record),
        fc.nat(70),
        (namespaces, depth) => {
          const extensions = { ...namespaces, deep: { data: nested(depth) } } as Goal['extensions'];
          const mapped = { value: goal({ extensions }), warnings: [] };
          const valid = GoalSchema.safeParse(mapped.value).success;
          const { value, warnings } = readMappedGoal(mapped, context);
          expect(GoalSchema.safeParse(value).success).toBe(true);
          expect(warnings.length === 0).toBe(valid);
          if (valid) expect(value).toEqual(mapped.value);
        },
      ),
    );
  });
});
