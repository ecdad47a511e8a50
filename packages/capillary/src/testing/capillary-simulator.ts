/**
 * A stateful Capillary API v3 (target groups) for tests, the CLI sandbox and benchmarks: both auth kinds,
 * the `{data, errors, warnings}` envelope with its numeric codes, name uniqueness, soft delete, period
 * statuses from a controllable clock, enrolment and customer progress, a per-key per-minute limit, and the
 * core shell's latency and faults. Serve it in-process (`fetch`), through msw (`toMswHandlers` from
 * `@goalbridge/core/msw`) or on a real localhost port (`listen()`).
 */
import {
  createRandom,
  createSimulator,
  hexId,
  jsonResponse,
  type RouteParams,
  Router,
  readJsonBody,
  type Simulator,
  SlidingWindowCounter,
} from '@goalbridge/core/simulator';
import { CAPILLARY_CLUSTERS } from '../capillary-options.ts';
import { md5Hex } from '../md5.ts';
import { CAPILLARY_SANDBOX, generateCapillaryCustomers, type SandboxCustomer } from './capillary-sandbox.ts';
import { CapillaryFault, invalidInput } from './capillary-simulator-faults.ts';
import {
  type GroupView,
  renderGroup,
  renderPeriod,
  renderTarget,
  renderUserTargetGroups,
} from './capillary-simulator-render.ts';
import {
  type Actor,
  CapillaryStore,
  checkCreateFields,
  type StoredGroup,
} from './capillary-simulator-store.ts';

export interface SimulatedBasicUser {
  username: string;
  password: string;
  tillId?: number;
}

export interface SimulatedOAuthClient {
  key: string;
  secret: string;
  tillId?: number;
}

export interface SimulatedRateLimit {
  /** Requests per window and API key. */
  limit: number;
  /** Default one minute. */
  windowMs?: number;
}

export interface CapillarySimulatorOptions {
  /** Origins answered through msw. Default: every cluster host. */
  origins?: readonly string[];
  /** Seed for tokens, request ids and faults. */
  seed?: number;
  /** The server's clock (period statuses, token expiry, timestamps). Default `Date.now`; see `clock`. */
  now?: () => number;
  /** Till users accepted with Basic auth. Default: the sandbox till. */
  basicUsers?: readonly SimulatedBasicUser[];
  /** OAuth clients. Default: the sandbox client. */
  oauthClients?: readonly SimulatedOAuthClient[];
  /** Lifetime of issued tokens. Default 300 s, as in the documented answer (reference §4.12). */
  tokenTtlSeconds?: number;
  /** Status for an expired token: 498 (the server's TokenExpiredException, [KV §11]) or 401. Default 498. */
  expiredTokenStatus?: 401 | 498;
  /** Per-key limit; default 100 per minute (reference §1.5); `false` for none. */
  rateLimit?: SimulatedRateLimit | false;
  /** Status of not-found answers; default 200 with `errors` ([KV]: NotFoundException). */
  notFoundStatus?: 200 | 400 | 404;
  /** Cluster time zone as an offset such as `+0530`. Default `+0000`. */
  utcOffset?: string;
  orgId?: number;
  /** Whether the org has leaderboards; without them `leaderboardEnabled: true` is 310133. */
  leaderboard?: boolean;
  /** Customers who exist in the org. Default: 25 generated sandbox customers. */
  customers?: readonly SandboxCustomer[];
}

export interface CapillaryClock {
  now(): number;
  /** Fixes the clock at `epochMs`. */
  set(epochMs: number): void;
  advance(ms: number): void;
}

export interface EnrolOptions {
  customerId: number;
  groupId: number;
  /** Default: the group's first target. */
  targetId?: number;
  /** Period `refCode` to start from. Default: the first period. */
  periodRef?: string;
  initialBalance?: number | string;
}

export interface ProgressOptions {
  customerId: number;
  targetId: number;
  /** Period id or `refCode`. */
  period: number | string;
  achieved: number | string;
}

/** The simulator shell plus controls no HTTP client can reach. */
export interface CapillarySimulator extends Simulator {
  readonly clock: CapillaryClock;
  /** Every target group as `GET /v3/targetGroups/{id}?includePeriods=true` would answer it. */
  targetGroups(): ReturnType<typeof renderGroup>[];
  setRateLimit(limit: SimulatedRateLimit | false): void;
  addBasicUser(user: SimulatedBasicUser): void;
  addOAuthClient(client: SimulatedOAuthClient): void;
  /** Makes every issued token expired. */
  expireTokens(): void;
  /** Creates groups as `POST /v3/targetGroups` would (same rules), without HTTP or limits; returns ids. */
  seedGroups(groups: readonly unknown[]): number[];
  addCustomer(customer: SandboxCustomer): void;
  enrol(options: EnrolOptions): void;
  /** Sets a customer's achieved value: the API has no call for this (reference §5.7). */
  setProgress(options: ProgressOptions): void;
}

interface Principal {
  key: string;
  actor: Actor;
}

interface Context {
  request: Request;
  params: RouteParams;
  query: URLSearchParams;
  principal: Principal;
}

type Handler = (context: Context) => Promise<Response> | Response;

function parseOffset(offset: string): number {
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!match) throw new RangeError(`utcOffset must look like +0530, got ${offset}`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

function decodeBasic(header: string): { username: string; hash: string } | undefined {
  try {
    const binary = atob(header.slice('Basic '.length).trim());
    const text = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const colon = text.indexOf(':');
    return colon === -1 ? undefined : { username: text.slice(0, colon), hash: text.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

function flag(query: URLSearchParams, name: string): boolean {
  return query.get(name) === 'true';
}

export function createCapillarySimulator(options: CapillarySimulatorOptions = {}): CapillarySimulator {
  const random = createRandom(options.seed ?? 7);
  const orgId = options.orgId ?? CAPILLARY_SANDBOX.orgId;
  let fixedNow: number | undefined;
  let shift = 0;
  const baseNow = options.now ?? Date.now;
  const clock: CapillaryClock = {
    now: () => (fixedNow ?? baseNow()) + shift,
    set: (epochMs) => {
      fixedNow = epochMs;
      shift = 0;
    },
    advance: (ms) => {
      shift += ms;
    },
  };
  const notFoundStatus = options.notFoundStatus ?? 200;
  const store = new CapillaryStore({
    now: clock.now,
    utcOffsetMinutes: parseOffset(options.utcOffset ?? '+0000'),
    notFoundStatus,
    leaderboard: options.leaderboard ?? false,
  });
  const sandboxTill = CAPILLARY_SANDBOX.till.id;
  const basicUsers = new Map<string, SimulatedBasicUser>();
  const oauthClients = new Map<string, SimulatedOAuthClient>();
  const tokens = new Map<string, { key: string; actor: Actor; expiresAt: number }>();
  const ttlSeconds = options.tokenTtlSeconds ?? 300;
  let rateLimit = options.rateLimit === undefined ? { limit: 100 } : options.rateLimit;
  let windows = new Map<string, SlidingWindowCounter>();

  for (const user of options.basicUsers ?? [CAPILLARY_SANDBOX.basic]) basicUsers.set(user.username, user);
  for (const client of options.oauthClients ?? [CAPILLARY_SANDBOX.oauth])
    oauthClients.set(client.key, client);
  for (const customer of options.customers ?? generateCapillaryCustomers(25)) store.addCustomer(customer);

  const envelope = (status: number, data: unknown, headers: Record<string, string> = {}) =>
    jsonResponse(
      status,
      { data, errors: null, warnings: null },
      { 'X-Cap-Requestid': hexId(random, 32), ...headers },
    );
  const failure = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
    jsonResponse(
      status,
      { data: null, errors: [{ code, message }], warnings: null },
      { 'X-Cap-Requestid': hexId(random, 32), ...headers },
    );

  function authenticate(request: Request): Principal | Response {
    const token = request.headers.get('x-cap-api-oauth-token');
    if (token) {
      const issued = tokens.get(token);
      // ASSUMPTION: error bodies for auth failures use the envelope (reference §1.2 documents no body).
      if (!issued) return failure(401, 401, 'Invalid OAuth token');
      if (clock.now() >= issued.expiresAt) {
        const status = options.expiredTokenStatus ?? 498;
        return failure(status, status, 'OAuth token has expired');
      }
      return { key: issued.key, actor: issued.actor };
    }
    const header = request.headers.get('authorization') ?? '';
    const basic = /^Basic /i.test(header) ? decodeBasic(header) : undefined;
    const user = basic ? basicUsers.get(basic.username) : undefined;
    if (!basic || !user || md5Hex(user.password) !== basic.hash.toLowerCase()) {
      return failure(401, 401, 'Invalid user credentials');
    }
    return { key: user.username, actor: { id: user.tillId ?? sandboxTill, code: user.username } };
  }

  /** Counts the request against its key's window; a 429 when the window is full (ASSUMPTION shape, §1.5). */
  function throttle(key: string): Response | undefined {
    if (!rateLimit) return undefined;
    let window = windows.get(key);
    if (!window) {
      window = new SlidingWindowCounter(rateLimit.limit, rateLimit.windowMs ?? 60_000);
      windows.set(key, window);
    }
    const hit = window.hit(Date.now());
    if (hit.allowed) return undefined;
    return failure(429, 429, 'Too many requests', {
      'Retry-After': String(Math.max(1, Math.ceil(hit.resetMs / 1000))),
    });
  }

  async function body(request: Request): Promise<unknown> {
    const parsed = await readJsonBody(request);
    if (!parsed.ok) throw invalidInput('the body is not valid JSON');
    return parsed.value;
  }

  function groupId(params: RouteParams): string {
    const id = params.id ?? '';
    if (!/^\d{1,18}$/.test(id)) throw invalidInput(`${id} is not a target group id`);
    return id;
  }

  const view = (query: URLSearchParams, extra: Partial<GroupView> = {}): GroupView => ({
    periods: flag(query, 'includePeriods') || flag(query, 'require-periods'),
    ...extra,
  });

  const router = new Router<Handler>()
    .add('GET', '/v3/targetGroups', ({ query }) =>
      envelope(
        200,
        [...store.groups.values()]
          .filter((group) => !group.userCreated)
          .map((group) => renderGroup(store, group, view(query, { orgId }))),
      ),
    )
    .add('POST', '/v3/targetGroups', async ({ request, principal }) => {
      const created = await body(request);
      checkCreateFields(created);
      const group = store.createGroup(created, principal.actor);
      return envelope(201, renderGroup(store, group, { periods: true, created: true }));
    })
    .add('POST', '/v3/targetGroups/isValidName', async ({ request }) => {
      const check = (await body(request)) as { type?: unknown; value?: unknown } | undefined;
      const types = ['targetGroupName', 'streakName', 'targetName', 'streakLevelName', 'periodName'];
      if (!types.includes(String(check?.type))) return failure(400, 310145, 'Invalid key is passed');
      const value = String(check?.value ?? '');
      return envelope(200, check?.type === 'targetGroupName' ? !store.isNameTaken(value) : true);
    })
    .add('PUT', '/v3/targetGroups/editTargetGroup/:id', async ({ request, params, principal }) => {
      const group = store.editGroup(groupId(params), await body(request), principal.actor);
      return envelope(200, renderGroup(store, group, { periods: true }));
    })
    .add('GET', '/v3/targetGroups/:id', ({ params, query }) => {
      const group = store.findGroup(groupId(params), flag(query, 'includeOnlyActive'));
      return envelope(200, renderGroup(store, group, view(query)));
    })
    .add('DELETE', '/v3/targetGroups/:id', ({ params, principal }) => {
      store.deactivateGroup(groupId(params), principal.actor);
      return envelope(200, true);
    })
    .add('GET', '/v3/targetGroups/:id/targetPeriods', ({ params }) => {
      const group = store.findGroup(groupId(params));
      return envelope(
        200,
        group.periods.map((period) => renderPeriod(store, period, group.id)),
      );
    })
    .add('POST', '/v3/targetGroups/:id/targetPeriods', async ({ request, params, principal }) => {
      const group = store.addPeriods(groupId(params), await body(request), principal.actor);
      return envelope(
        200,
        group.periods.map((period) => renderPeriod(store, period, group.id)),
      );
    })
    .add('PUT', '/v3/targetGroups/:id/targetPeriods', async ({ request, params, principal }) => {
      const id = groupId(params);
      const periods = store.updatePeriods(id, await body(request), principal.actor);
      return envelope(
        200,
        periods.map((period) => renderPeriod(store, period, Number(id))),
      );
    })
    .add('GET', '/v3/targetGroups/:id/targets', ({ params }) => {
      const group = store.findGroup(groupId(params));
      return envelope(
        200,
        group.targets.map((target) => renderTarget(store, target, group.id)),
      );
    })
    .add('POST', '/v3/targetGroups/:id/targets', async ({ request, params, principal }) => {
      const id = groupId(params);
      const targets = store.addTargets(id, await body(request), principal.actor);
      return envelope(
        200,
        targets.map((target) => renderTarget(store, target, Number(id))),
      );
    })
    .add('PUT', '/v3/targetGroups/:id/targets/:targetId', async ({ request, params, principal }) => {
      const id = groupId(params);
      const target = store.modifyTarget(id, params.targetId ?? '', await body(request), principal.actor);
      return envelope(200, [renderTarget(store, target, Number(id))]);
    })
    .add('DELETE', '/v3/targetGroups/:id/targets/:targetId', ({ params, principal }) => {
      store.deactivateTarget(groupId(params), params.targetId ?? '', principal.actor);
      return envelope(200, true);
    })
    .add('POST', '/v3/targetGroups/:id/targets/:targetId/enroll', async ({ request, params }) =>
      envelope(200, store.enrol(groupId(params), params.targetId ?? '', await body(request))),
    )
    .add('POST', '/v3/targetGroups/:id/targets/:targetId/unEnroll', async ({ request, params }) =>
      envelope(200, store.unenrol(groupId(params), params.targetId ?? '', await body(request))),
    )
    .add('GET', '/v3/milestones', ({ query }) => searchMilestones(query))
    .add('GET', '/v3/users/:userId/targetGroups', ({ params, query }) => {
      const customer = store.findCustomer(params.userId ?? '');
      const rule = query.get('targetRuleId');
      if (rule !== null && !/^\d+$/.test(rule)) throw invalidInput('targetRuleId must be a number');
      return envelope(
        200,
        renderUserTargetGroups(store, customer, {
          includeInactive: flag(query, 'includeInactive'),
          targetRuleId: rule === null ? undefined : Number(rule),
          orgId,
        }),
      );
    });

  const MILESTONE_STATUSES = ['LIVE', 'UPCOMING', 'ENDED', 'STOPPED'];

  function milestoneStatus(group: StoredGroup): string {
    if (!group.active) return 'STOPPED';
    const today = store.today();
    const starts = group.periods.map((period) => period.startDate).sort();
    const ends = group.periods.map((period) => period.endDate).sort();
    if (starts[0] !== undefined && starts[0] > today) return 'UPCOMING';
    if (ends.at(-1) !== undefined && (ends.at(-1) as string) < today) return 'ENDED';
    return 'LIVE';
  }

  /**
   * `GET /v3/milestones`: filters and pages; `offset` is a page index and `total` counts groups
   * (reference §1.6, ASSUMPTION). Empty `errors`/`warnings` arrays, as in the examples.
   */
  function searchMilestones(query: URLSearchParams): Response {
    const limit = Number(query.get('limit') ?? '10');
    const offset = Number(query.get('offset') ?? '0');
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
      throw invalidInput('limit and offset must be whole numbers');
    }
    const status = query.get('status');
    if (status !== null && !MILESTONE_STATUSES.includes(status))
      throw invalidInput(`status ${status} is not known`);
    const name = query.get('name')?.toLowerCase();
    const type = query.get('type');
    const targetOn = query.get('target-on');
    const matching = [...store.groups.values()]
      .filter((group) => flag(query, 'includeUserCreatedTargetGroups') || !group.userCreated)
      .filter((group) => name === undefined || group.name.toLowerCase().includes(name))
      .filter((group) => type === null || group.trackingType === type)
      .filter((group) => targetOn === null || group.targets.some((target) => target.targetType === targetOn))
      .filter((group) => status === null || milestoneStatus(group) === status)
      .sort((a, b) => a.id - b.id);
    const page = matching.slice(offset * limit, (offset + 1) * limit);
    return jsonResponse(
      200,
      {
        pagination: { limit, offset, total: matching.length },
        data: page.map((group) => renderGroup(store, group, { periods: flag(query, 'require-periods') })),
        errors: [],
        warnings: [],
      },
      { 'X-Cap-Requestid': hexId(random, 32) },
    );
  }

  async function generateToken(request: Request): Promise<Response> {
    const credentials = (await readJsonBody(request)) as {
      ok: boolean;
      value?: { key?: unknown; secret?: unknown };
    };
    const key = String(credentials.value?.key ?? '');
    const client = oauthClients.get(key);
    if (!client || client.secret !== credentials.value?.secret) {
      // The docs give only the message "Failed to generate OAuth token" (reference §1.2); 401 is an ASSUMPTION.
      return failure(401, 401, 'Failed to generate OAuth token');
    }
    const limited = throttle(key);
    if (limited) return limited;
    const accessToken = `eyJ${hexId(random, 40)}`;
    tokens.set(accessToken, {
      key,
      actor: { id: client.tillId ?? sandboxTill, code: key },
      expiresAt: clock.now() + ttlSeconds * 1000,
    });
    // The documented answer has no `warnings` (reference §4.12).
    return jsonResponse(
      200,
      { data: { accessToken, ttlSeconds }, errors: null },
      { 'X-Cap-Requestid': hexId(random, 32) },
    );
  }

  async function respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/v3/oauth/token/generate')
      return generateToken(request);
    const match = router.match(request.method, url.pathname);
    if (match === undefined) return failure(404, 404, `No API at ${url.pathname}`);
    if (match === 'method-not-allowed') return failure(405, 405, `${request.method} is not supported here`);
    const principal = authenticate(request);
    if (principal instanceof Response) return principal;
    const limited = throttle(principal.key);
    if (limited) return limited;
    try {
      return await match.handler({ request, params: match.params, query: url.searchParams, principal });
    } catch (error) {
      if (error instanceof CapillaryFault) return failure(error.status, error.code, error.message);
      throw error;
    }
  }

  const shell = createSimulator({
    provider: 'capillary',
    origins: options.origins ?? Object.values(CAPILLARY_CLUSTERS),
    respond,
    seed: options.seed ?? 7,
    // No `rateLimitHeaders`: no rate-limit headers are documented for the v3 target APIs (reference §1.5, §10
    // item 10) and the simulator's own answers carry none, so injected faults add none either.
    faults: {
      // The fall-through answer of the server's exception handler ([KV §11]).
      serverError: () => failure(500, 500, 'Something went wrong, please try after sometime.'),
      rateLimited: (_request, retryAfterSeconds) =>
        failure(
          429,
          429,
          'Too many requests',
          retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
        ),
    },
  });

  const sandboxActor: Actor = { id: sandboxTill, code: CAPILLARY_SANDBOX.till.code };
  return {
    ...shell,
    clock,
    targetGroups: () =>
      [...store.groups.values()].map((group) => renderGroup(store, group, { periods: true })),
    setRateLimit(limit) {
      rateLimit = limit;
      windows = new Map();
    },
    addBasicUser: (user) => {
      basicUsers.set(user.username, user);
    },
    addOAuthClient: (client) => {
      oauthClients.set(client.key, client);
    },
    expireTokens() {
      for (const token of tokens.values()) token.expiresAt = clock.now();
    },
    seedGroups: (groups) => groups.map((group) => store.createGroup(group, sandboxActor).id),
    addCustomer: (customer) => {
      store.addCustomer(customer);
    },
    enrol(enrolment) {
      const group = store.findGroup(enrolment.groupId);
      const targetId = enrolment.targetId ?? group.targets[0]?.id;
      const periodName = enrolment.periodRef ?? group.periods[0]?.refCode;
      store.enrol(String(group.id), String(targetId), [
        { customerId: enrolment.customerId, periodName, initialBalance: enrolment.initialBalance },
      ]);
    },
    setProgress: (progress) =>
      store.setProgress(progress.customerId, progress.targetId, progress.period, progress.achieved),
  };
}
