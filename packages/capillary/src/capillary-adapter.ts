/**
 * `createCapillaryAdapter`: Capillary target groups (API v3) as goals. Transport is core's HttpClient (one
 * retry layer, rate limiter, redaction); this file chooses the calls and reads the envelopes.
 */
import {
  type AdapterCapabilities,
  AuthError,
  bodyExcerpt,
  type CallOptions,
  createGoalAdapter,
  type Goal,
  type GoalAdapter,
  GoalbridgeError,
  type GoalField,
  HttpClient,
  type HttpRequest,
  type HttpResponse,
  InvalidResponseError,
  type MappingWarning,
  NotFoundError,
  PermissionError,
  paginate,
  parseAnswerOrThrow,
  progressQueryCheck,
  RateLimiter,
  readMappedGoal,
  reportReadWarnings,
  type SecretRegistry,
  TransientError,
  todayUtc,
  urlPath,
  ValidationError,
  type WriteResult,
} from '@goalbridge/core';
import * as z from 'zod';
import {
  type CapillaryPeriod,
  CapillaryPeriodSchema,
  type CapillaryTargetGroup,
  type CapillaryTargetGroupRequest,
  CapillaryTargetGroupSchema,
  CapillaryUserTargetGroupsSchema,
  envelopeSchema,
} from './capillary-api.ts';
import {
  type CapillaryAuthenticator,
  createBasicAuthenticator,
  createOAuthAuthenticator,
} from './capillary-auth.ts';
import { classifyCapillaryResponse, envelopeWarnings, partialUpdateError } from './capillary-errors.ts';
import {
  apiBaseURL,
  CAPILLARY_MAX_PAGE_SIZE,
  type CapillaryAdapterOptions,
  parseCapillaryOptions,
} from './capillary-options.ts';
import { pickProgressRow, progressRows, userTargetToProgress } from './capillary-progress.ts';
import { CAPILLARY_RATE_LIMITS } from './capillary-rate-limits.ts';
import {
  type CapillaryUpdatePlan,
  capillaryUpdateIssues,
  newPeriodBody,
  periodUpdateBody,
  planCapillaryUpdate,
  targetUpdateBody,
} from './capillary-update.ts';
import {
  checkCapillaryPatch,
  checkGoalForCapillary,
  goalToCapillaryTargetGroup,
} from './convert-to-capillary-target-group.ts';
import { CAPILLARY_PROVIDER, capillaryTargetGroupToGoal } from './map-capillary-goal.ts';

const PROVIDER = CAPILLARY_PROVIDER;
const DEFAULT_PAGE_SIZE = 50;
const GROUP_ID = /^[1-9]\d{0,17}$/;
const CUSTOMER_ID = /^[1-9]\d{0,17}$/;
/** The period's shape, checked before any request; the customer id is checked where it is used. */
const checkProgressQuery = progressQueryCheck({ provider: PROVIDER });

const CreatedEnvelope = envelopeSchema(CapillaryTargetGroupSchema);
const GroupListEnvelope = envelopeSchema(z.array(CapillaryTargetGroupSchema));
const PeriodListEnvelope = envelopeSchema(z.array(CapillaryPeriodSchema));
const UserTargetsEnvelope = envelopeSchema(CapillaryUserTargetGroupsSchema);
const AnyEnvelope = envelopeSchema(z.unknown());

/** A failure of the token call is a credentials problem, whatever the status says. */
function classifyTokenResponse(response: HttpResponse): GoalbridgeError | undefined {
  const error = classifyCapillaryResponse(response);
  if (
    error &&
    (ValidationError.isInstance(error) ||
      NotFoundError.isInstance(error) ||
      PermissionError.isInstance(error))
  ) {
    return new AuthError(`capillary refused the OAuth key and secret: ${error.message}`, {
      provider: PROVIDER,
      status: error.status,
      requestId: error.requestId,
    });
  }
  return error;
}

/** The warnings of an answer, with every credential the client sent redacted: a server may echo one. */
function serverWarnings(response: HttpResponse, secrets: SecretRegistry): MappingWarning[] {
  return envelopeWarnings(response.body).map((message) => ({
    field: '',
    reason: 'Capillary answered with a warning',
    action: 'none',
    detail: secrets.redact(message),
  }));
}

export function createCapillaryAdapter(options: CapillaryAdapterOptions): GoalAdapter {
  const settings = parseCapillaryOptions(options);
  const now = settings.now ?? Date.now;
  const rules = settings.rateLimits === false ? [] : (settings.rateLimits ?? CAPILLARY_RATE_LIMITS);
  const attribution =
    settings.auth.type === 'oauth' && settings.auth.attribution
      ? {
          'X-CAP-API-ATTRIBUTION-ENTITY-TYPE': settings.auth.attribution.entityType,
          'X-CAP-API-ATTRIBUTION-ENTITY-CODE': settings.auth.attribution.entityCode,
        }
      : undefined;
  const transport = {
    provider: PROVIDER,
    baseURL: apiBaseURL(settings),
    fetch: settings.fetch,
    hooks: settings.hooks,
    retry: settings.retry,
    timeoutMs: settings.timeoutMs,
    userAgent: settings.userAgent,
    headers: attribution,
    rateLimiter:
      rules.length > 0
        ? new RateLimiter(rules, { provider: PROVIDER, onWait: settings.hooks?.onRateLimitWait })
        : undefined,
  };
  let auth: CapillaryAuthenticator;
  const client = new HttpClient({
    ...transport,
    authHeaders: (request) => auth.headers(request),
    classifyResponse: classifyCapillaryResponse,
  });
  if (settings.auth.type === 'basic') {
    auth = createBasicAuthenticator(settings.auth, client);
  } else {
    const tokenClient = new HttpClient({ ...transport, classifyResponse: classifyTokenResponse });
    auth = createOAuthAuthenticator(settings.auth, tokenClient, now);
  }

  /** Sends a request; an expired OAuth token is renewed once and the request repeated (it was refused). */
  async function send(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await client.request(request);
    } catch (error) {
      const expired = AuthError.isInstance(error) && (error.status === 401 || error.status === 498);
      if (!expired || !auth.invalidate(request)) throw error;
      return client.request(request);
    }
  }

  function read<T>(response: HttpResponse, schema: z.ZodType<{ data: T | null }>, what: string): T {
    const envelope = parseAnswerOrThrow(schema, response.body, response, { provider: PROVIDER, what });
    if (envelope.data === null || envelope.data === undefined) {
      throw new InvalidResponseError(`capillary sent no data for the ${what}`, {
        provider: PROVIDER,
        requestId: response.requestId,
        body: bodyExcerpt(response),
      });
    }
    const warnings = serverWarnings(response, client.secrets);
    reportReadWarnings(settings.hooks, { provider: PROVIDER, operation: what }, warnings);
    return envelope.data;
  }

  function toGoal(group: CapillaryTargetGroup): Goal {
    const { value, warnings } = readMappedGoal(capillaryTargetGroupToGoal(group), {
      provider: PROVIDER,
      what: `target group ${group.id}`,
    });
    reportReadWarnings(
      settings.hooks,
      { provider: PROVIDER, operation: 'read', goalId: String(group.id) },
      warnings,
    );
    return value;
  }

  async function fetchPeriods(groupId: number, call: CallOptions): Promise<CapillaryPeriod[]> {
    const response = await send({
      method: 'GET',
      path: urlPath`targetGroups/${groupId}/targetPeriods`,
      operation: 'periods',
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    });
    return read(response, PeriodListEnvelope, 'periods');
  }

  /**
   * The group with its periods. `includePeriods=true` should embed them (reference §4.2–§4.3, ASSUMPTION);
   * when an answer has none, the period endpoint is asked.
   */
  async function withPeriods(group: CapillaryTargetGroup, call: CallOptions): Promise<CapillaryTargetGroup> {
    if (group.periods) return group;
    return { ...group, periods: await fetchPeriods(group.id, call) };
  }

  async function getGroup(id: string, call: CallOptions): Promise<CapillaryTargetGroup> {
    const response = await send({
      method: 'GET',
      path: urlPath`targetGroups/${id}`,
      query: { includePeriods: true },
      operation: 'get',
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    });
    // One docs example answers the by-id call with an array (reference §4.3).
    const data = read(response, AnyEnvelope, 'target group');
    const groups = parseAnswerOrThrow(
      z.array(CapillaryTargetGroupSchema),
      Array.isArray(data) ? data : [data],
      response,
      { provider: PROVIDER, what: 'target group' },
    );
    const group = groups.find((item) => String(item.id) === id);
    if (!group) throw new NotFoundError(`capillary target group ${id} not found`, { provider: PROVIDER });
    return withPeriods(group, call);
  }

  /** Every group `GET /v3/milestones` finds for `filters`, page by page (reference §4.7). */
  async function* searchMilestones(
    filters: Record<string, string | boolean | undefined>,
    pageSize: number,
    operation: string,
    call: CallOptions,
  ): AsyncGenerator<CapillaryTargetGroup> {
    let total: number | undefined;
    const ids = new Set<string>();
    const pages = paginate(
      0,
      async (page: number) => {
        const response = await send({
          method: 'GET',
          path: 'milestones',
          query: { ...filters, limit: pageSize, offset: page, 'require-periods': true },
          operation,
          signal: call.signal,
          timeoutMs: call.timeoutMs,
        });
        const items = read(response, GroupListEnvelope, 'milestone page');
        const fresh = items.filter((item) => !ids.has(String(item.id)));
        for (const item of fresh) ids.add(String(item.id));
        const envelope = response.body as { pagination?: { total?: number } };
        total = envelope.pagination?.total ?? total;
        // `offset` is a page index and `total` counts groups (reference §1.6, ASSUMPTION). A short page is
        // the last, and so is one with nothing new (a server that ignores offset).
        const full = items.length === pageSize && fresh.length > 0;
        const more = full && (total === undefined || (page + 1) * pageSize < total);
        return { items: fresh, next: more ? page + 1 : undefined };
      },
      call.signal,
    );
    yield* pages;
    if (total !== undefined && ids.size < total) {
      throw new InvalidResponseError(
        `capillary listed ${ids.size} of ${total} target groups: GET /v3/milestones did not page as documented`,
        { provider: PROVIDER },
      );
    }
  }

  async function* listAll(call: CallOptions): AsyncGenerator<CapillaryTargetGroup> {
    const response = await send({
      method: 'GET',
      path: 'targetGroups',
      query: { includePeriods: true },
      operation: 'list',
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    });
    yield* read(response, GroupListEnvelope, 'target group list');
  }

  /**
   * The group named exactly `name`. The search matches parts of names, so every page is read until it is
   * found; user-created groups are listed only on request (reference §4.7).
   */
  async function findByName(
    name: string,
    userCreated: boolean,
    call: CallOptions,
  ): Promise<CapillaryTargetGroup | undefined> {
    const filters = { name, includeUserCreatedTargetGroups: userCreated || undefined };
    for await (const group of searchMilestones(filters, DEFAULT_PAGE_SIZE, 'find', call)) {
      if (group.name === name) return group;
    }
    return undefined;
  }

  /**
   * POST the group. Names are unique (310069), so a create whose outcome is unknown — the answer was lost,
   * or a 5xx that may have come after the server acted — is looked up by name: found, it is the result;
   * not found, it never happened and is sent once more.
   */
  async function createGroup(
    body: CapillaryTargetGroupRequest,
    call: CallOptions,
  ): Promise<{ group: CapillaryTargetGroup; response?: HttpResponse; reconciled: boolean }> {
    const request: HttpRequest = {
      method: 'POST',
      path: 'targetGroups',
      json: body,
      operation: 'create',
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    };
    const post = () => send(request);
    // What the POST needs first (an OAuth token): failing to get it fails the create before anything is sent,
    // never as a create whose outcome is unknown (which would look the group up, and fetch a token for that).
    await auth.prepare(request);
    let response: HttpResponse;
    try {
      response = await post();
    } catch (error) {
      const unknown =
        GoalbridgeError.isInstance(error) && (error.outcomeUnknown || TransientError.isInstance(error));
      if (!unknown) throw error;
      const existing = await findByName(body.name, body.userCreated === true, call);
      if (existing) return { group: existing, reconciled: true };
      response = await post();
    }
    return {
      group: read(response, CreatedEnvelope, 'created target group'),
      response,
      reconciled: false,
    };
  }

  type Write = (request: Omit<HttpRequest, 'signal' | 'timeoutMs'>, step?: string) => Promise<void>;

  /**
   * Plans the update and sends its calls. A failure after one of them took effect is a `partial_write`
   * naming the calls made (see partialUpdateError), never the last call's error as if nothing was written.
   */
  async function applyUpdate(
    id: string,
    current: CapillaryTargetGroup,
    patch: Parameters<typeof planCapillaryUpdate>[1],
    call: CallOptions,
  ) {
    const plan = planCapillaryUpdate(current, patch, todayUtc(now()));
    const warnings = [...plan.warnings];
    const written: string[] = [];
    const write: Write = async (request, step = request.operation ?? 'update') => {
      const response = await send({ ...request, signal: call.signal, timeoutMs: call.timeoutMs });
      read(response, AnyEnvelope, request.operation ?? 'update');
      warnings.push(...serverWarnings(response, client.secrets));
      written.push(step);
    };
    try {
      await sendUpdate(id, current, plan, write, call);
    } catch (error) {
      throw written.length > 0 ? partialUpdateError(id, written, error) : error;
    }
    return warnings;
  }

  /** The calls of an update plan, in order: group, periods, new periods, target values, deactivation. */
  async function sendUpdate(
    id: string,
    current: CapillaryTargetGroup,
    plan: CapillaryUpdatePlan,
    write: Write,
    call: CallOptions,
  ): Promise<void> {
    if (plan.edit) {
      await write({
        method: 'PUT',
        path: urlPath`targetGroups/editTargetGroup/${id}`,
        json: plan.edit,
        operation: 'edit',
        idempotent: true,
      });
    }
    if (plan.changedPeriods.length > 0) {
      await write({
        method: 'PUT',
        path: urlPath`targetGroups/${id}/targetPeriods`,
        json: periodUpdateBody(plan.changedPeriods),
        operation: 'update periods',
        idempotent: true,
      });
    }
    if (plan.newPeriods.length > 0) {
      await write({
        method: 'POST',
        path: urlPath`targetGroups/${id}/targetPeriods`,
        json: newPeriodBody(plan.newPeriods),
        operation: 'add periods',
      });
    }
    if (plan.changedTargets.length > 0) {
      const periods =
        plan.changedPeriods.length + plan.newPeriods.length > 0
          ? await fetchPeriods(current.id, call)
          : (current.periods ?? []);
      const periodIds = new Map(
        periods.map((period, index) => [(period.refCode ?? `Cycle_${index + 1}`).toLowerCase(), period.id]),
      );
      for (const change of plan.changedTargets) {
        const json = targetUpdateBody(change, plan.periods, periodIds);
        await write(
          {
            method: 'PUT',
            path: urlPath`targetGroups/${id}/targets/${change.targetId}`,
            json,
            operation: 'update target',
            idempotent: true,
          },
          `update target ${change.targetId}`,
        );
      }
    }
    if (plan.deactivate)
      await write({ method: 'DELETE', path: urlPath`targetGroups/${id}`, operation: 'delete' }, 'deactivate');
  }

  const writable: GoalField[] = [
    'title',
    'description',
    'measure',
    'target',
    'schedule.start',
    'schedule.end',
    'schedule.recurrence',
    'schedule.periods',
    'status',
    'extensions',
  ];
  const capabilities: AdapterCapabilities = {
    operations: ['list', 'get', 'create', 'update', 'delete', 'progress'],
    fields: { readable: [...writable, 'createdAt', 'updatedAt'], writable },
    rateLimits: rules,
    pagination:
      settings.listEndpoint === 'milestones'
        ? { kind: 'page', maxPageSize: CAPILLARY_MAX_PAGE_SIZE }
        : { kind: 'none' },
    measureKinds: ['count', 'money'],
    ownerTypes: [],
    // Group names are unique in the org, case-insensitively (error 310069, reference §2).
    uniqueTitles: true,
    // Ids and records the server gives a group's parts: another org's export carries its own.
    assignedByTarget: [
      'schedule.periods.id',
      'extensions.capillary.target.id',
      'extensions.capillary.target.emfRuleSetId',
      'extensions.capillary.additionalTargets.id',
      'extensions.capillary.additionalTargets.emfRuleSetId',
      'extensions.capillary.streaks.id',
      'extensions.capillary.attribution',
    ],
  };

  return createGoalAdapter({
    provider: PROVIDER,
    capabilities,

    checkId: (id) =>
      GROUP_ID.test(id) ? undefined : 'must be a Capillary target group id (a positive integer)',
    checkInput: (input) => checkGoalForCapillary(input),
    checkPatch: (patch) => checkCapillaryPatch(patch),
    checkUpdate: (current, patch) => capillaryUpdateIssues(current, patch, todayUtc(now())),

    async *list(list) {
      const groups =
        settings.listEndpoint === 'milestones'
          ? searchMilestones({}, list.pageSize ?? settings.pageSize ?? DEFAULT_PAGE_SIZE, 'list', list)
          : listAll(list);
      for await (const group of groups) yield toGoal(await withPeriods(group, list));
    },

    async get(id, call) {
      return toGoal(await getGroup(id, call));
    },

    async create(input, call): Promise<WriteResult> {
      const { value: body, warnings } = goalToCapillaryTargetGroup(input, {
        preferredTillId: settings.preferredTillId,
      });
      const created = await createGroup(body, call);
      const extra: MappingWarning[] = created.response
        ? serverWarnings(created.response, client.secrets)
        : [];
      const goal = toGoal(await withPeriods(created.group, call));
      // A lost answer is not a mapping warning: the goal holds what was asked, and `recovered` says how it came.
      return { goal, warnings: [...warnings, ...extra], ...(created.reconciled ? { recovered: true } : {}) };
    },

    async update(id, patch, call): Promise<WriteResult> {
      const current = await getGroup(id, call);
      const warnings = await applyUpdate(id, current, patch, call);
      return { goal: toGoal(await getGroup(id, call)), warnings };
    },

    async delete(id, call) {
      const response = await send({
        method: 'DELETE',
        path: urlPath`targetGroups/${id}`,
        operation: 'delete',
        signal: call.signal,
        timeoutMs: call.timeoutMs,
      });
      if (read(response, AnyEnvelope, 'deactivation') !== true) {
        throw new InvalidResponseError(`capillary did not confirm deactivating target group ${id}`, {
          provider: PROVIDER,
          requestId: response.requestId,
          body: bodyExcerpt(response),
        });
      }
    },

    async progress(id, given, call) {
      const query = checkProgressQuery(given);
      const customer = query.subject;
      if (!customer || !CUSTOMER_ID.test(customer)) {
        throw new ValidationError(
          [
            {
              path: 'subject',
              message: 'Capillary progress is per customer: pass the customer id (a positive integer)',
            },
          ],
          { subject: 'progress query', provider: PROVIDER },
        );
      }
      const group = await getGroup(id, call);
      const target = group.targets?.[0];
      if (!target)
        throw new NotFoundError(`capillary target group ${id} has no target to measure`, {
          provider: PROVIDER,
        });
      const response = await send({
        method: 'GET',
        path: urlPath`users/${customer}/targetGroups`,
        query: { targetRuleId: target.id, includeInactive: true },
        operation: 'progress',
        signal: call.signal,
        timeoutMs: call.timeoutMs,
      });
      const rows = progressRows(read(response, UserTargetsEnvelope, 'customer targets'), group.id, target.id);
      const row = pickProgressRow(rows, todayUtc(now()), query.period);
      if (!row) {
        const what = query.period ? `for ${query.period.start} to ${query.period.end}` : 'at all';
        throw new NotFoundError(`customer ${customer} has no progress on target group ${id} ${what}`, {
          provider: PROVIDER,
        });
      }
      return userTargetToProgress(row);
    },
  });
}
