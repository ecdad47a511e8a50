/**
 * `testGoalAdapter`: the promises every adapter keeps, as a vitest suite. Providers run it against their
 * simulator; users can run it against their own adapters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoalAdapter, OPERATIONS } from '../adapter/contract.ts';
import { type GoalbridgeError, NotFoundError, UnsupportedError, ValidationError } from '../errors.ts';
import {
  GOAL_FIELDS,
  type Goal,
  type GoalField,
  type GoalInputDraft,
  GoalInputSchema,
  type GoalPatchDraft,
  GoalSchema,
} from '../model/goal.ts';
import { invalidGoalInputs } from './invalid-inputs.ts';

export interface ConformanceSubject {
  adapter: GoalAdapter;
  /** Requests (or store operations) made so far: proves validation happens before any request. */
  requestCount(): number;
  cleanup?(): Promise<void> | void;
}

export interface GoalAdapterSuiteOptions {
  /** Suite title. */
  name: string;
  /** A fresh adapter over an empty (or disposable) account. */
  setup(): Promise<ConformanceSubject> | ConformanceSubject;
  /** A valid create input for this provider; `n` makes it unique. It must set every writable field. */
  sampleInput(n: number): GoalInputDraft;
  /** A valid update for a goal created from `sampleInput`. */
  samplePatch?(goal: Goal, n: number): GoalPatchDraft;
  /** A well-formed id that does not exist. */
  unknownId: string;
  /** Provider-specific inputs refused before any request, with the field path the error must name. */
  invalidInputs?: readonly { input: GoalInputDraft; path: string }[];
  /** Ids the provider can never have (e.g. `../goals`), refused before any request. */
  malformedIds?: readonly string[];
  /** What delete does: remove the goal (default) or keep it as `inactive`. */
  deleteBehaviour?: 'remove' | 'deactivate';
  /** How many goals to list and in what page size. Default 23 goals in pages of 5. */
  listing?: { count?: number; pageSize?: number };
  /** Per-test timeout. Default 20 s. */
  timeoutMs?: number;
}

const SERVER_OWNED: ReadonlySet<GoalField> = new Set(['createdAt', 'updatedAt']);

function fieldValue(goal: Record<string, unknown>, field: string): unknown {
  return field
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], goal);
}

/** Each writable field of `input` as the adapter must read it back. */
function expectRoundTrip(goal: Goal, draft: GoalInputDraft, writable: readonly GoalField[]): void {
  const input = GoalInputSchema.parse(draft) as Record<string, unknown>;
  for (const field of writable) {
    if (SERVER_OWNED.has(field)) continue;
    const expected = fieldValue(input, field);
    const actual = fieldValue(goal as Record<string, unknown>, field);
    // Extensions may gain provider-owned data; what was written must still be there.
    if (field === 'extensions') expect(actual, field).toMatchObject(expected as object);
    else expect(withoutAssignedIds(actual, expected), `round trip of ${field}`).toEqual(expected);
  }
}

/** Periods the provider stored get ids it assigned; written without one, they compare without it. */
function withoutAssignedIds(actual: unknown, expected: unknown): unknown {
  if (!Array.isArray(actual) || !Array.isArray(expected)) return actual;
  return actual.map((item, index) => {
    const written = expected[index] as Record<string, unknown> | undefined;
    if (typeof item !== 'object' || item === null || !written || 'id' in written) return item;
    const { id: _assigned, ...rest } = item as Record<string, unknown>;
    return rest;
  });
}

async function collect(iterable: AsyncIterable<Goal>): Promise<Goal[]> {
  const goals: Goal[] = [];
  for await (const goal of iterable) goals.push(goal);
  return goals;
}

async function expectError(promise: Promise<unknown>, guard: (error: unknown) => boolean, what: string) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected ${what}`).toBeDefined();
  expect(guard(error), `expected ${what}, got ${String(error)}`).toBe(true);
  return error as GoalbridgeError;
}

export function testGoalAdapter(options: GoalAdapterSuiteOptions): void {
  const timeout = options.timeoutMs ?? 20_000;
  let subject: ConformanceSubject;
  let n = 1000;
  const next = () => ++n;
  const supports = (operation: (typeof OPERATIONS)[number]) =>
    subject.adapter.capabilities.operations.includes(operation);

  describe(`goal adapter conformance: ${options.name}`, () => {
    beforeAll(async () => {
      subject = await options.setup();
    }, timeout);
    afterAll(async () => {
      await subject?.cleanup?.();
    });

    it('declares consistent capabilities', () => {
      const { capabilities, provider } = subject.adapter;
      expect(provider).toMatch(/^[a-z][a-z0-9-]*$/);
      for (const operation of capabilities.operations) expect(OPERATIONS).toContain(operation);
      for (const field of capabilities.fields.readable) expect(GOAL_FIELDS).toContain(field);
      for (const field of capabilities.fields.writable) expect(capabilities.fields.readable).toContain(field);
      expect(capabilities.measureKinds.length).toBeGreaterThan(0);
    });

    it('sampleInput sets every writable field, so the round trip covers it', () => {
      const input = GoalInputSchema.parse(options.sampleInput(next())) as Record<string, unknown>;
      for (const field of subject.adapter.capabilities.fields.writable) {
        if (SERVER_OWNED.has(field)) continue;
        expect(fieldValue(input, field), `sampleInput must set ${field}`).toBeDefined();
      }
      expect(subject.adapter.check(options.sampleInput(next())).issues).toEqual([]);
    });

    it('throws UnsupportedError for every undeclared operation', async () => {
      const { adapter } = subject;
      const undeclared = OPERATIONS.filter(
        (operation) => !adapter.capabilities.operations.includes(operation),
      );
      const calls: Record<(typeof OPERATIONS)[number], () => unknown> = {
        list: () => adapter.list(),
        get: () => adapter.get(options.unknownId),
        create: () => adapter.create(options.sampleInput(next())),
        update: () => adapter.update(options.unknownId, {}),
        delete: () => adapter.delete(options.unknownId),
        progress: () => adapter.progress(options.unknownId),
      };
      for (const operation of undeclared) {
        const before = subject.requestCount();
        await expectError(
          (async () => calls[operation]())(),
          (error) => UnsupportedError.isInstance(error),
          `UnsupportedError from ${operation}`,
        );
        expect(subject.requestCount()).toBe(before);
      }
    });

    it(
      'creates a goal and reads every writable field back unchanged',
      async (context) => {
        if (!supports('create')) return context.skip();
        const input = options.sampleInput(next());
        const { goal, warnings } = await subject.adapter.create(input);
        expect(GoalSchema.safeParse(goal).error?.issues ?? []).toEqual([]);
        expect(goal.provider).toBe(subject.adapter.provider);
        expect(Array.isArray(warnings)).toBe(true);
        expectRoundTrip(goal, input, subject.adapter.capabilities.fields.writable);
        if (supports('get')) {
          const read = await subject.adapter.get(goal.id);
          expect(read.id).toBe(goal.id);
          expectRoundTrip(read, input, subject.adapter.capabilities.fields.writable);
        }
      },
      timeout,
    );

    it(
      'updates a goal and reads the change back',
      async (context) => {
        if (!supports('create') || !supports('update') || !options.samplePatch) return context.skip();
        const { goal } = await subject.adapter.create(options.sampleInput(next()));
        const patch = options.samplePatch(goal, next());
        // What a plan asks first, sending nothing: this update is not refused, one with a blank title is.
        const before = subject.requestCount();
        expect(subject.adapter.checkUpdate(goal, patch)).toEqual([]);
        expect(subject.adapter.checkUpdate(goal, { title: ' ' }).map((issue) => issue.path)).toEqual([
          'title',
        ]);
        expect(subject.requestCount()).toBe(before);
        const { goal: updated } = await subject.adapter.update(goal.id, patch);
        const expected = { ...GoalInputSchema.parse(options.sampleInput(0)), ...patch } as GoalInputDraft;
        const changed = Object.keys(patch) as GoalField[];
        const writable = subject.adapter.capabilities.fields.writable.filter((field) =>
          changed.some((key) => field === key || field.startsWith(`${key}.`)),
        );
        expectRoundTrip(updated, expected, writable);
        if (supports('get')) expectRoundTrip(await subject.adapter.get(goal.id), expected, writable);
      },
      timeout,
    );

    it(
      'deletes a goal',
      async (context) => {
        if (!supports('create') || !supports('delete')) return context.skip();
        const { goal } = await subject.adapter.create(options.sampleInput(next()));
        await subject.adapter.delete(goal.id);
        if (!supports('get')) return;
        if (options.deleteBehaviour === 'deactivate') {
          expect((await subject.adapter.get(goal.id)).status).toBe('inactive');
        } else {
          await expectError(
            subject.adapter.get(goal.id),
            (e) => NotFoundError.isInstance(e),
            'NotFoundError',
          );
        }
      },
      timeout,
    );

    it(
      'streams every goal exactly once across many pages, lazily',
      async (context) => {
        if (!supports('create') || !supports('list')) return context.skip();
        const count = options.listing?.count ?? 23;
        const pageSize = options.listing?.pageSize ?? 5;
        const created = new Set<string>();
        for (let i = 0; i < count; i++)
          created.add((await subject.adapter.create(options.sampleInput(next()))).goal.id);

        const before = subject.requestCount();
        const iterator = subject.adapter.list({ pageSize })[Symbol.asyncIterator]();
        await iterator.next();
        const afterFirst = subject.requestCount() - before;
        await iterator.return?.();

        const listed = await collect(subject.adapter.list({ pageSize }));
        const ids = listed.map((goal) => goal.id);
        expect(new Set(ids).size, 'no goal twice').toBe(ids.length);
        for (const id of created) expect(ids).toContain(id);
        for (const goal of listed) expect(GoalSchema.safeParse(goal).error?.issues ?? []).toEqual([]);
        // A provider without pagination answers in one request; laziness only means something across pages.
        if (subject.adapter.capabilities.pagination.kind !== 'none') {
          const full = subject.requestCount() - before - afterFirst;
          expect(afterFirst, 'the first item must not wait for every page').toBeLessThan(full);
        }
      },
      timeout * 3,
    );

    it(
      'answers NotFoundError for an unknown id',
      async () => {
        const { adapter } = subject;
        if (supports('get')) {
          await expectError(
            adapter.get(options.unknownId),
            (e) => NotFoundError.isInstance(e),
            'NotFoundError',
          );
        }
        if (supports('update') && options.samplePatch) {
          const patch = options.samplePatch({ id: options.unknownId } as Goal, next());
          await expectError(
            adapter.update(options.unknownId, patch),
            (e) => NotFoundError.isInstance(e),
            'NotFoundError',
          );
        }
        if (supports('delete')) {
          await expectError(
            adapter.delete(options.unknownId),
            (e) => NotFoundError.isInstance(e),
            'NotFoundError',
          );
        }
      },
      timeout,
    );

    it(
      'refuses invalid input with a ValidationError naming the field, before any request',
      async (context) => {
        if (!supports('create')) return context.skip();
        const cases = [...invalidGoalInputs(options.sampleInput(next())), ...(options.invalidInputs ?? [])];
        for (const { input, path } of cases) {
          const before = subject.requestCount();
          const error = await expectError(
            subject.adapter.create(input),
            (e) => ValidationError.isInstance(e),
            `ValidationError for ${path}`,
          );
          expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(path);
          expect(subject.requestCount(), `no request for invalid ${path}`).toBe(before);
          expect(subject.adapter.check(input).issues.map((issue) => issue.path)).toContain(path);
        }
      },
      timeout,
    );

    it('refuses malformed ids before any request', async () => {
      const ids = ['', ...(options.malformedIds ?? [])];
      for (const id of ids) {
        for (const call of [() => subject.adapter.get(id), () => subject.adapter.delete(id)]) {
          const before = subject.requestCount();
          const error = await (async () => call())().then(
            () => undefined,
            (reason: unknown) => reason,
          );
          expect(ValidationError.isInstance(error) || UnsupportedError.isInstance(error), String(error)).toBe(
            true,
          );
          expect(subject.requestCount()).toBe(before);
        }
      }
    });
  });
}
