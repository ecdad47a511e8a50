/**
 * `createPlannrAdapter`: Plannr CRM goals (API v2) behind the goalbridge adapter contract.
 */
import {
  type AdapterCapabilities,
  type CallOptions,
  createGoalAdapter,
  credentialHeaders,
  type Goal,
  type GoalAdapter,
  type GoalDriver,
  type GoalField,
  type GoalInput,
  type GoalPatch,
  HttpClient,
  type HttpHooks,
  type HttpResponse,
  type Operation,
  type PreparedWrite,
  parseAnswerOrThrow,
  parseOptionsOrThrow,
  progressQueryCheck,
  RateLimiter,
  type RateLimitRule,
  readMappedGoal,
  reportReadWarnings,
  urlPath,
  type WriteResult,
} from '@goalbridge/core';
import {
  checkGoalForPlannr,
  convertGoalPatchToPlannr,
  convertGoalToPlannr,
} from './convert-to-plannr-goal.ts';
import { plannrGoalToGoal } from './map-plannr-goal.ts';
import {
  PLANNR_BASE_URL,
  PLANNR_PROVIDER,
  type PlannrGoal,
  PlannrGoalPageSchema,
  PlannrGoalSchema,
  type PlannrGoalWrite,
  plannrUuidProblem,
  unwrapResource,
} from './plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';
import { classifyPlannrResponse } from './plannr-errors.ts';
import { type FetchGoalPage, listGoalPages, type PlannrListOptions } from './plannr-list.ts';
import { defaultIncludes, type PlannrAdapterOptions, PlannrAdapterOptionsSchema } from './plannr-options.ts';
import { PLANNR_RATE_LIMITS, readPlannrRateLimits } from './plannr-rate-limits.ts';

const { includes, pagination } = PLANNR_ASSUMPTIONS;

export interface PlannrAdapter extends GoalAdapter {
  list(options?: PlannrListOptions): AsyncIterable<Goal>;
}

const READABLE: readonly GoalField[] = [
  'title',
  'description',
  'owners',
  'measure',
  'target',
  'schedule.end',
  'schedule.recurrence',
  'status',
  'priority',
  'progress',
  'extensions',
  'createdAt',
  'updatedAt',
];
/** Constant for every Plannr goal, or set by Plannr: readable, never written. */
const READ_ONLY: ReadonlySet<GoalField> = new Set([
  'measure',
  'schedule.recurrence',
  'status',
  'createdAt',
  'updatedAt',
]);

/** What the adapter declares; `owners` round-trips only when the owners relation is read. */
export function plannrCapabilities(
  options: { include?: readonly string[]; rateLimits?: readonly RateLimitRule[] } = {},
): AdapterCapabilities {
  const include = options.include ?? defaultIncludes();
  const readsOwners = includes.owners !== undefined && include.includes(includes.owners);
  const operations: Operation[] = ['get', 'create', 'update', 'progress'];
  if (PLANNR_ASSUMPTIONS.listEndpoint) operations.unshift('list');
  if (PLANNR_ASSUMPTIONS.deleteEndpoint) operations.push('delete');
  return {
    operations,
    fields: {
      readable: READABLE,
      writable: READABLE.filter((field) => !READ_ONLY.has(field) && (field !== 'owners' || readsOwners)),
    },
    rateLimits: options.rateLimits ?? PLANNR_RATE_LIMITS,
    pagination: { kind: 'page', maxPageSize: pagination.maxPerPage },
    measureKinds: ['money'],
    ownerTypes: ['account'],
  };
}

/** Plannr's progress is one percentage on the goal, entered by hand (reference §5): nothing else can be asked. */
const checkProgressQuery = progressQueryCheck({
  provider: PLANNR_PROVIDER,
  noSubject: 'Plannr keeps one progress percentage per goal, not one per person',
  noPeriod: 'Plannr keeps one progress percentage per goal, entered by hand, not one per period',
});

export function createPlannrAdapter(options: PlannrAdapterOptions): PlannrAdapter {
  const config = parseOptionsOrThrow(PlannrAdapterOptionsSchema, options, PLANNR_PROVIDER);
  const include = config.include ?? defaultIncludes();
  const rules = options.rateLimits === false ? [] : (options.rateLimits ?? PLANNR_RATE_LIMITS);
  const rateLimiter =
    options.rateLimiter ??
    (rules.length > 0
      ? new RateLimiter(rules, { provider: PLANNR_PROVIDER, onWait: options.hooks?.onRateLimitWait })
      : undefined);
  const accessToken = options.accessToken;
  const client = new HttpClient({
    provider: PLANNR_PROVIDER,
    baseURL: config.baseURL ?? PLANNR_BASE_URL,
    fetch: options.fetch,
    // All four headers are required [S14]; Accept makes Laravel answer errors in JSON.
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-plannr-account-uuid': config.accountUuid,
    },
    authHeaders: credentialHeaders(
      accessToken,
      { option: 'accessToken', provider: PLANNR_PROVIDER },
      (token) => ({
        authorization: `Bearer ${token}`,
      }),
    ),
    userAgent: config.userAgent,
    timeoutMs: config.timeoutMs,
    retry: options.retry,
    rateLimiter,
    // A limiter passed in may serve other adapters: its `onWait` is its maker's, the client tells this one's hook.
    rateLimiterShared: options.rateLimiter !== undefined,
    hooks: options.hooks,
    classifyResponse: classifyPlannrResponse,
    readRateLimits: readPlannrRateLimits,
  });
  const capabilities = plannrCapabilities({ include, rateLimits: rules });
  return createGoalAdapter(
    createPlannrDriver(client, include, config.currency, capabilities, options.hooks),
  ) as PlannrAdapter;
}

function createPlannrDriver(
  client: HttpClient,
  include: readonly string[],
  currency: string | undefined,
  capabilities: AdapterCapabilities,
  hooks: HttpHooks | undefined,
): GoalDriver {
  /** A read Plannr goal as a Goal; what it could not carry exactly goes to `hooks.onWarning`. */
  function toGoal(raw: PlannrGoal): Goal {
    // The contract: every goal an adapter returns is a valid Goal (a 5,000-character name is not a title).
    const { value, warnings } = readMappedGoal(plannrGoalToGoal(raw), {
      provider: PLANNR_PROVIDER,
      what: `goal ${raw.uuid}`,
    });
    reportReadWarnings(hooks, { provider: PLANNR_PROVIDER, operation: 'read', goalId: raw.uuid }, warnings);
    return value;
  }

  const includeQuery = include.length > 0 ? { include: include.join(',') } : {};
  const readsOwners = includes.owners !== undefined && include.includes(includes.owners);
  const readsCircles = includes.circles !== undefined && include.includes(includes.circles);

  function parseGoal(response: HttpResponse): PlannrGoal {
    return parseAnswerOrThrow(PlannrGoalSchema, unwrapResource(response.body), response, {
      provider: PLANNR_PROVIDER,
      what: 'goal',
    });
  }

  async function fetchGoal(id: string, options: CallOptions): Promise<PlannrGoal> {
    const response = await client.request({
      method: 'GET',
      path: urlPath`goals/${id}`,
      query: includeQuery,
      operation: 'get',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    return parseGoal(response);
  }

  /** True when the goal still lacks a relation a read with `include` would give. */
  function lacksRelations(raw: PlannrGoal): boolean {
    const owners = raw.accounts !== undefined || raw.account_uuids !== undefined;
    const circles = raw.visible_to_circles !== undefined || raw.visible_to_circles_uuids !== undefined;
    return (readsOwners && !owners) || (readsCircles && !circles);
  }

  function fetchPage(options: PlannrListOptions): FetchGoalPage {
    return async (query, page) => {
      const response = await client.request({
        method: 'GET',
        path: 'goals',
        query: { ...includeQuery, ...query, [pagination.pageParameter]: page },
        operation: 'list',
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      return parseAnswerOrThrow(PlannrGoalPageSchema, response.body, response, {
        provider: PLANNR_PROVIDER,
        what: 'page of goals',
      });
    };
  }

  // Creates and updates map the goal once: the conversion gives both the issues and the body sent.
  function prepareCreate(input: GoalInput): PreparedWrite {
    const { value: body, issues, warnings } = convertGoalToPlannr(input, { currency });
    async function send(options: CallOptions): Promise<WriteResult> {
      const response = await client.request({
        method: 'POST',
        path: 'goals',
        json: body,
        operation: 'create',
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      const raw = withWrittenRelations(parseGoal(response), body, 'create');
      return { goal: toGoal(raw), warnings };
    }
    return { issues, send };
  }

  function prepareUpdate(id: string, patch: GoalPatch): PreparedWrite {
    const { value: body, issues, warnings } = convertGoalPatchToPlannr(patch, { currency });
    async function send(options: CallOptions): Promise<WriteResult> {
      const response = await client.request({
        method: 'PUT',
        path: urlPath`goals/${id}`,
        json: body,
        operation: 'update',
        // A partial update repeated with the same values leaves the same goal.
        idempotent: true,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      const written = withWrittenRelations(parseGoal(response), body, 'update');
      const raw = lacksRelations(written) ? await fetchGoal(id, options) : written;
      return { goal: toGoal(raw), warnings };
    }
    return { issues, send };
  }

  return {
    provider: PLANNR_PROVIDER,
    capabilities,

    checkId: (id) => plannrUuidProblem(id, 'goal'),
    checkInput: (input) => checkGoalForPlannr(input, { currency }),

    list: (options: PlannrListOptions) => listGoalPages(options, fetchPage(options), toGoal),

    async get(id, options) {
      return toGoal(await fetchGoal(id, options));
    },

    prepareCreate,
    prepareUpdate,

    async delete(id, options) {
      // Any 2xx: 204 is assumed, 200 with a message is Plannr's other delete style (reference §1.5).
      await client.request({
        method: 'DELETE',
        path: urlPath`goals/${id}`,
        operation: 'delete',
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
    },

    async progress(id, query, options) {
      checkProgressQuery(query);
      return toGoal(await fetchGoal(id, options)).progress ?? {};
    },
  };
}

/**
 * Write answers are the bare resource (ASSUMPTION `writeResponsesLoadRelations`): the owners and circle
 * settings Plannr accepted are taken from the request. A create without a visibility list has a blank one [S1].
 * When an update's answer still leaves them unknown, the driver reads the goal again.
 */
function withWrittenRelations(raw: PlannrGoal, body: PlannrGoalWrite, mode: 'create' | 'update'): PlannrGoal {
  const filled: PlannrGoal = { ...raw };
  if (raw.accounts === undefined && raw.account_uuids === undefined && body.account_uuids !== undefined) {
    filled.account_uuids = body.account_uuids;
  }
  if (raw.visible_to_circles === undefined && raw.visible_to_circles_uuids === undefined) {
    const circles = body.visible_to_circles_uuids ?? (mode === 'create' ? [] : undefined);
    if (circles !== undefined) filled.visible_to_circles_uuids = circles;
  }
  if (raw.shown_on_circles === undefined && raw.show_on_circles === undefined) {
    const shown =
      body.shown_on_circles ??
      body.show_on_circles ??
      (mode === 'create' ? PLANNR_ASSUMPTIONS.shownOnCirclesDefault : undefined);
    if (shown !== undefined) filled.shown_on_circles = shown;
  }
  return filled;
}
