/**
 * `createPipedriveAdapter`: Pipedrive Goals (API v1) behind the goalbridge contract.
 *
 * Pipedrive has no "get one goal" and no paginated list, so: `list()` runs the six find queries of
 * `LIST_QUERIES` (120 tokens) and drops repeats; `get(id)` asks `/goals/{id}/results` for the first day of the
 * goal's duration when the adapter has seen the goal before (20 tokens), else scans the list (≤ 120 tokens).
 */
import {
  type AdapterCapabilities,
  type CallOptions,
  checkCallOptions,
  createGoalAdapter,
  type Goal,
  type GoalAdapter,
  type GoalField,
  type GoalInput,
  type GoalPatch,
  type GoalProgress,
  HttpClient,
  type HttpHooks,
  NotFoundError,
  type ProgressQuery,
  parseDecimal,
  parseOrThrow,
  progressQueryCheck,
  RateLimiter,
  type RateLimitState,
  type RetryPolicy,
  reportReadWarnings,
  todayUtc,
  uniqueBy,
  ValidationError,
  type ValidationIssue,
  type WriteResult,
} from '@goalbridge/core';
import {
  goalPatchToPipedriveUpdate,
  goalToPipedriveGoal,
  pipedriveGoalToGoal,
} from './map-pipedrive-goal.ts';
import { type PipedriveGoal, PROVIDER } from './pipedrive-api.ts';
import { CurrencyResolver, type PipedriveCurrencyTable } from './pipedrive-currencies.ts';
import { classifyPipedriveResponse } from './pipedrive-errors.ts';
import {
  findQuery,
  LIST_QUERIES,
  type PipedriveFindFilter,
  PipedriveFindFilterSchema,
} from './pipedrive-find-query.ts';
import {
  checkGoalId,
  outcomeIssues,
  pipedriveInputIssues,
  pipedrivePatchIssues,
} from './pipedrive-goal-rules.ts';
import { PipedriveGoalsClient } from './pipedrive-goals-client.ts';
import { type PipedriveAdapterOptions, resolvePipedriveOptions } from './pipedrive-options.ts';
import { limiterRules, pipedriveRateLimitRules, readPipedriveRateLimits } from './pipedrive-rate-limits.ts';

export interface PipedriveAdapter extends GoalAdapter {
  /** `GET /goals/find` with any documented filters (20 tokens). Without a filter: only your own active goals. */
  find(filter?: PipedriveFindFilter, options?: CallOptions): Promise<Goal[]>;
  /** The limiter's view of the burst window and the daily budget, corrected by the server's headers. */
  rateLimitState(): RateLimitState[];
}

const READABLE: readonly GoalField[] = [
  'title',
  'owners',
  'measure',
  'target',
  'schedule.start',
  'schedule.end',
  'schedule.recurrence',
  'status',
  'extensions',
];
/** `is_active` is derived by Pipedrive, so `status` is read-only. */
const WRITABLE = READABLE.filter((field) => field !== 'status');

interface Duration {
  start: string;
  end: string | null;
}

/** Durations of goals seen so far: what lets `get` and `progress` use the results endpoint. */
class KnownDurations {
  readonly #durations = new Map<string, Duration>();
  readonly #capacity = 20_000;

  remember(raw: PipedriveGoal): void {
    const start = raw.duration?.start;
    if (typeof start !== 'string') return;
    this.#durations.delete(raw.id);
    this.#durations.set(raw.id, { start, end: raw.duration?.end ?? null });
    if (this.#durations.size > this.#capacity) {
      const oldest = this.#durations.keys().next().value;
      if (oldest !== undefined) this.#durations.delete(oldest);
    }
  }

  get(id: string): Duration | undefined {
    return this.#durations.get(id);
  }

  forget(id: string): void {
    this.#durations.delete(id);
  }
}

const checkProgressQuery = progressQueryCheck({
  provider: PROVIDER,
  noSubject: 'Pipedrive reports progress per goal, not per person',
});

function validation(issues: ValidationIssue[], subject: string): ValidationError {
  return new ValidationError(issues, { subject, provider: PROVIDER });
}

export function createPipedriveAdapter(options: PipedriveAdapterOptions): PipedriveAdapter {
  const settings = resolvePipedriveOptions(options);
  const { options: parsed } = settings;
  const rules = pipedriveRateLimitRules({
    plan: parsed.plan ?? 'lite',
    seats: parsed.seats ?? 1,
    auth: settings.auth,
    override: parsed.rateLimits ?? {},
  });
  const limiter = new RateLimiter(limiterRules(rules), {
    provider: PROVIDER,
    onWait: parsed.hooks?.onRateLimitWait,
  });
  // The burst window in force: the least a burst 429 waits. None when limits are off (`rateLimits: false`).
  const burstWindowMs = rules.find((rule) => rule.name === 'burst')?.windowMs;
  const http = new HttpClient({
    provider: PROVIDER,
    baseURL: settings.baseURL,
    fetch: parsed.fetch,
    authHeaders: settings.authHeaders,
    headers: parsed.headers,
    userAgent: parsed.userAgent,
    timeoutMs: parsed.timeoutMs,
    retry: parsed.retry as RetryPolicy | false | undefined,
    hooks: parsed.hooks as HttpHooks | undefined,
    rateLimiter: limiter,
    classifyResponse: (response) => classifyPipedriveResponse(response, { burstWindowMs }),
    readRateLimits: (response) => readPipedriveRateLimits(response),
  });
  const client = new PipedriveGoalsClient(http);
  const currencies = new CurrencyResolver(() => client.currencies(), parsed.currencies);
  const durations = new KnownDurations();
  const defaultInterval = parsed.defaultInterval;

  async function toGoal(raw: PipedriveGoal, call: CallOptions): Promise<Goal> {
    durations.remember(raw);
    const table =
      typeof raw.expected_outcome.currency_id === 'number' ? await currencies.table(call) : undefined;
    const { value, warnings } = pipedriveGoalToGoal(raw, { currencies: table });
    reportReadWarnings(
      parsed.hooks as HttpHooks | undefined,
      { provider: PROVIDER, operation: 'read', goalId: raw.id },
      warnings,
    );
    return value;
  }

  /** The account's table when `target` names a currency; refuses a currency the account does not have. */
  async function currencyTableFor(
    measure: GoalInput['measure'] | undefined,
    target: GoalInput['target'] | undefined,
    subject: string,
    call: CallOptions,
  ): Promise<PipedriveCurrencyTable | undefined> {
    if (measure?.kind !== 'money' || !target?.currency) return undefined;
    const table = await currencies.table(call);
    if (table.idOf(target.currency) === undefined) {
      throw validation(
        [{ path: 'target.currency', message: `the Pipedrive account has no ${target.currency} currency` }],
        subject,
      );
    }
    return table;
  }

  async function* scan(call: CallOptions): AsyncGenerator<PipedriveGoal> {
    for (const query of LIST_QUERIES) {
      call.signal?.throwIfAborted();
      yield* await client.find(query, call);
    }
  }

  function listRaw(call: CallOptions): AsyncGenerator<PipedriveGoal> {
    return uniqueBy(scan(call), (raw) => raw.id);
  }

  async function get(id: string, call: CallOptions): Promise<Goal> {
    const known = durations.get(id);
    if (known) {
      try {
        const { goal } = await client.results(id, { start: known.start, end: known.start }, call);
        return await toGoal(goal, call);
      } catch (error) {
        // The duration moved since we saw it: the period is now out of range. Look the goal up instead.
        if (!ValidationError.isInstance(error)) throw error;
        durations.forget(id);
      }
    }
    for await (const raw of listRaw(call)) {
      if (raw.id === id) return toGoal(raw, call);
    }
    throw new NotFoundError(`pipedrive goal ${id} not found`, { provider: PROVIDER, status: 404 });
  }

  async function create(input: GoalInput, call: CallOptions): Promise<WriteResult> {
    const table = await currencyTableFor(input.measure, input.target, 'goal for pipedrive', call);
    const { value: body, warnings } = goalToPipedriveGoal(input, { currencies: table, defaultInterval });
    return { goal: await toGoal(await client.add(body, call), call), warnings };
  }

  async function update(id: string, patch: GoalPatch, call: CallOptions): Promise<WriteResult> {
    // The expected outcome pairs target and kind: changing one alone needs the other from the current goal.
    const needsCurrent = (patch.measure === undefined) !== (patch.target === undefined);
    const current = needsCurrent ? await get(id, call) : undefined;
    const measure = patch.measure ?? current?.measure;
    const target = patch.target !== undefined ? patch.target : current?.target;
    const subject = 'goal update for pipedrive';
    if (current) {
      const issues = outcomeIssues(measure, target, patch.extensions ?? current.extensions);
      if (issues.length > 0) throw validation(issues, subject);
    }
    const table =
      patch.measure || patch.target ? await currencyTableFor(measure, target, subject, call) : undefined;
    const { value: body, warnings } = goalPatchToPipedriveUpdate(patch, current, { currencies: table });
    return { goal: await toGoal(await client.update(id, body, call), call), warnings };
  }

  async function progress(id: string, query: ProgressQuery, call: CallOptions): Promise<GoalProgress> {
    const { period: asked } = checkProgressQuery(query);
    if (!durations.get(id)) await get(id, call);
    const duration = durations.get(id);
    if (!duration)
      throw validation([{ path: 'period', message: 'the goal has no start date' }], 'progress query');
    // A period outside the goal's duration is an error response (reference §1.5): refused before the call.
    const issues: ValidationIssue[] = [];
    if (asked && asked.start < duration.start)
      issues.push({ path: 'period.start', message: `is before the goal starts (${duration.start})` });
    if (asked && duration.end !== null && asked.end > duration.end)
      issues.push({ path: 'period.end', message: `is after the goal ends (${duration.end})` });
    if (issues.length > 0) throw validation(issues, 'progress query');
    const period = asked ?? defaultPeriod(duration);
    const result = await client.results(id, period, call);
    durations.remember(result.goal);
    const achieved = parseDecimal(result.progress);
    return { ...(achieved === undefined ? {} : { achieved }), period, asOf: new Date().toISOString() };
  }

  async function find(filter: PipedriveFindFilter = {}, call: CallOptions = {}): Promise<Goal[]> {
    checkCallOptions(call, PROVIDER);
    const parsedFilter = parseOrThrow(PipedriveFindFilterSchema, filter, {
      subject: 'pipedrive find filter',
      provider: PROVIDER,
    });
    let currencyId: number | undefined;
    if (parsedFilter.currency !== undefined) {
      currencyId = (await currencies.table(call)).idOf(parsedFilter.currency);
      if (currencyId === undefined) {
        throw validation(
          [{ path: 'currency', message: `the Pipedrive account has no ${parsedFilter.currency} currency` }],
          'pipedrive find filter',
        );
      }
    }
    const goals: Goal[] = [];
    for (const raw of await client.find(findQuery(parsedFilter, currencyId), call))
      goals.push(await toGoal(raw, call));
    return goals;
  }

  const capabilities: AdapterCapabilities = {
    operations: ['list', 'get', 'create', 'update', 'delete', 'progress'],
    fields: { readable: READABLE, writable: WRITABLE },
    rateLimits: rules,
    pagination: { kind: 'none' },
    measureKinds: ['count', 'money'],
    ownerTypes: ['person', 'team', 'company'],
  };

  const adapter = createGoalAdapter({
    provider: PROVIDER,
    capabilities,
    checkId: checkGoalId,
    checkInput: (input) => ({
      issues: pipedriveInputIssues(input, { defaultInterval }),
      warnings: goalToPipedriveGoal(input, { defaultInterval }).warnings,
    }),
    // A write needs only the issues first: its warnings come from the one mapping that makes its body.
    prepareCreate: (input) => ({
      issues: pipedriveInputIssues(input, { defaultInterval }),
      send: (call) => create(input, call),
    }),
    prepareUpdate: (id, patch) => ({
      issues: pipedrivePatchIssues(patch),
      send: (call) => update(id, patch, call),
    }),
    async *list(listOptions) {
      for await (const raw of listRaw(listOptions)) yield await toGoal(raw, listOptions);
    },
    get,
    async delete(id, call) {
      await client.delete(id, call);
      durations.forget(id);
    },
    progress,
  });

  return { ...adapter, find, rateLimitState: () => limiter.state() };
}

/** The whole duration, up to today for an open-ended goal (never before its start). */
function defaultPeriod(duration: Duration): { start: string; end: string } {
  if (duration.end !== null) return { start: duration.start, end: duration.end };
  const today = todayUtc();
  return { start: duration.start, end: today.localeCompare(duration.start) > 0 ? today : duration.start };
}
