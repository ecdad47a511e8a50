import * as z from 'zod';
import { UnsupportedError, ValidationError, type ValidationIssue } from '../errors.ts';
import { type Goal, GoalInputSchema, type GoalPatch, GoalPatchSchema } from '../model/goal.ts';
import { parseOrThrow, toValidationIssues } from '../model/validate.ts';
import type { MappingWarning } from '../model/warnings.ts';
import type { CallOptions, GoalAdapter, GoalDriver, Operation, PreparedWrite } from './contract.ts';
import { hasMethods, TimeoutMsSchema } from './option-schemas.ts';

/** What the HTTP client, the rate limiter and the drivers use of a signal (one from another realm will do). */
const isAbortSignal = (value: unknown): value is AbortSignal =>
  hasMethods(value, ['addEventListener', 'removeEventListener', 'throwIfAborted']) &&
  typeof (value as AbortSignal).aborted === 'boolean';

/** Built on first use, not at import (cold start matters to embedders). */
let callOptionsSchema: z.ZodObject | undefined;

// Loose: providers take options of their own beside these (Plannr's list `sort`, `filter`).
function callOptions(): z.ZodObject {
  callOptionsSchema ??= z.looseObject({
    signal: z.custom<AbortSignal>(isAbortSignal, 'must be an AbortSignal').optional(),
    timeoutMs: TimeoutMsSchema.optional(),
  });
  return callOptionsSchema;
}

/** List options: a page holds at least one goal, and no more than the provider serves when it says. */
function listOptionsSchema(maxPageSize: number | undefined) {
  const pageSize = z.number().int('must be a whole number').min(1, 'must be at least 1');
  return callOptions().extend({
    pageSize: (maxPageSize === undefined
      ? pageSize
      : pageSize.max(maxPageSize, `must be at most ${maxPageSize}, the largest page the provider serves`)
    ).optional(),
  });
}

/**
 * `options`, once checked: a bad timeout or signal is a ValidationError naming it, before any request. For a
 * provider's own operations (Pipedrive's `find`); the adapter's are checked by {@link createGoalAdapter}.
 */
export function checkCallOptions<T extends CallOptions>(options: T, provider: string): T {
  // The engine's calls (a signal of this realm, no time limit) have nothing to check: every request takes this.
  const plain = typeof options === 'object' && options !== null && !Array.isArray(options);
  if (
    plain &&
    options.timeoutMs === undefined &&
    (options.signal === undefined || options.signal instanceof AbortSignal)
  )
    return options;
  parseOrThrow(callOptions(), options, { subject: 'call options', provider });
  return options;
}

/** A listing that ends with the signal's reason once it aborts, not only when it asks for its next page. */
async function* untilAborted<T>(goals: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  for await (const goal of goals) {
    signal.throwIfAborted();
    yield goal;
  }
}

/** A listing refused before its first request: the error arrives where the goals would have. */
function refusedListing(error: unknown): AsyncIterable<never> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
}

/**
 * Wraps a provider driver in the guarantees every adapter gives: undeclared operations throw
 * UnsupportedError, ids, inputs and call options are validated before any request, and `check` and
 * `checkUpdate` report issues dry.
 */
export function createGoalAdapter(driver: GoalDriver): GoalAdapter {
  const { provider, capabilities } = driver;
  const declared = new Set<Operation>(capabilities.operations);
  let listOptions: z.ZodObject | undefined;
  const checkCall = (options: CallOptions) => checkCallOptions(options, provider);

  /** Whether `operation` is declared and `method` implements it. */
  function supports(operation: Operation, method: unknown): boolean {
    return declared.has(operation) && typeof method === 'function';
  }

  /** Throws UnsupportedError unless `operation` is declared and `method` implements it. */
  function requireSupport(operation: Operation, method: unknown): void {
    if (!supports(operation, method))
      throw new UnsupportedError(`${provider} does not support ${operation}`, { provider });
  }

  function implementation<K extends Operation>(operation: K): NonNullable<GoalDriver[K]> {
    const method = driver[operation];
    requireSupport(operation, method);
    return (method as (...args: never[]) => unknown).bind(driver) as NonNullable<GoalDriver[K]>;
  }

  function requireId(id: unknown): string {
    const message =
      typeof id !== 'string' || id.trim() === '' ? 'must be a non-empty string' : driver.checkId?.(id);
    if (message)
      throw new ValidationError([{ path: 'id', message }], { subject: `${provider} goal id`, provider });
    return id as string;
  }

  function throwIfIssues(issues: ValidationIssue[], subject: string): void {
    if (issues.length > 0) throw new ValidationError(issues, { subject, provider });
  }

  function check(draft: unknown): { issues: ValidationIssue[]; warnings: MappingWarning[] } {
    const parsed = GoalInputSchema.safeParse(draft);
    if (!parsed.success) return { issues: toValidationIssues(parsed.error), warnings: [] };
    return driver.checkInput?.(parsed.data) ?? { issues: [], warnings: [] };
  }

  /** The patch's own check, as an update of `id` makes it: the prepared write's issues, or `checkPatch`'s. */
  function checkedPatch(
    id: string,
    patch: GoalPatch,
  ): { issues: ValidationIssue[]; prepared?: PreparedWrite } {
    if (!driver.prepareUpdate) return { issues: driver.checkPatch?.(patch).issues ?? [] };
    const prepared = driver.prepareUpdate(id, patch);
    return { issues: prepared.issues, prepared };
  }

  /**
   * The patch's own check (as `update` makes it), then the driver's check against the current goal. That one
   * only predicts: when it throws, the update is left to decide.
   */
  function checkUpdate(current: Goal, draft: unknown): ValidationIssue[] {
    if (!supports('update', driver.prepareUpdate ?? driver.update))
      return [{ path: '', message: `${provider} does not support update` }];
    const parsed = GoalPatchSchema.safeParse(draft);
    if (!parsed.success) return toValidationIssues(parsed.error);
    const patch = parsed.data;
    const { issues } = checkedPatch(current.id, patch);
    if (issues.length > 0) return issues;
    try {
      return driver.checkUpdate?.(current, patch) ?? [];
    } catch {
      return [];
    }
  }

  return {
    provider,
    capabilities,
    check,
    checkUpdate,

    list(options = {}) {
      const list = implementation('list');
      listOptions ??= listOptionsSchema(capabilities.pagination.maxPageSize);
      const parsed = listOptions.safeParse(options);
      if (parsed.success) return options.signal ? untilAborted(list(options), options.signal) : list(options);
      const issues = toValidationIssues(parsed.error);
      return refusedListing(new ValidationError(issues, { subject: 'list options', provider }));
    },

    async get(id, options = {}) {
      const get = implementation('get');
      return get(requireId(id), checkCall(options));
    },

    async create(draft, options = {}) {
      requireSupport('create', driver.prepareCreate ?? driver.create);
      checkCall(options);
      const input = parseOrThrow(GoalInputSchema, draft, { subject: 'goal', provider });
      const subject = `goal for ${provider}`;
      if (driver.prepareCreate) {
        const prepared = driver.prepareCreate(input);
        throwIfIssues(prepared.issues, subject);
        return prepared.send(options);
      }
      throwIfIssues(driver.checkInput?.(input).issues ?? [], subject);
      return implementation('create')(input, options);
    },

    async update(id, draft, options = {}) {
      requireSupport('update', driver.prepareUpdate ?? driver.update);
      const goalId = requireId(id);
      checkCall(options);
      const patch = parseOrThrow(GoalPatchSchema, draft, { subject: 'goal update', provider });
      const { issues, prepared } = checkedPatch(goalId, patch);
      throwIfIssues(issues, `goal update for ${provider}`);
      return prepared ? prepared.send(options) : implementation('update')(goalId, patch, options);
    },

    async delete(id, options = {}) {
      const remove = implementation('delete');
      return remove(requireId(id), checkCall(options));
    },

    async progress(id, query = {}, options = {}) {
      const progress = implementation('progress');
      return progress(requireId(id), query, checkCall(options));
    },
  };
}
