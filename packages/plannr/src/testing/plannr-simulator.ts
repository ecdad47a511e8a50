/**
 * A stateful Plannr goals API (v2) as a fetch handler: bearer token and account header checks, Laravel-style
 * validation with the documented limits, the real envelopes and error bodies, the per-minute limit with its
 * headers, plus the core shell's latency and fault injection, in-process fetch and localhost server.
 *
 * Where the docs are silent it follows `plannr-assumptions.ts`, the same values the adapter reads.
 */
import { currencyExponent, parseDateTime } from '@goalbridge/core';
import {
  createRandom,
  createSimulator,
  jsonResponse,
  type Latency,
  type Random,
  type RouteMatch,
  Router,
  type RunningServer,
  type ServeOptions,
  type Simulator,
  SlidingWindowCounter,
  uuidV4,
  type WindowHit,
} from '@goalbridge/core/simulator';
import { PLANNR_ORIGIN } from '../plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from '../plannr-assumptions.ts';
import { lengthAwarePage } from './laravel-paginator.ts';
import type { PlannrGoalSeed } from './plannr-data-generator.ts';
import { type GoalChanges, validateGoalBody } from './plannr-goal-validation.ts';
import { ALLOWED_INCLUDES, parseIncludes, parseListQuery } from './plannr-list-query.ts';
import { type AccountRecord, renderGoal } from './plannr-resources.ts';
import { PLANNR_SANDBOX, type PlannrSandboxAccount, type PlannrSandboxCircle } from './plannr-sandbox.ts';
import { PlannrStore } from './plannr-store.ts';

/** A token the simulator accepts, the account it may act as, and what its login may do [S21]. */
export interface PlannrSimulatorUser {
  accessToken: string;
  accountUuid: string;
  /** `has_write_permission`; default true. */
  canWrite?: boolean;
  /** `has_delete_permission`; default true. */
  canDelete?: boolean;
}

export interface PlannrRateLimit {
  /** Requests per window per user. Default 500 [S16]. */
  limit: number;
  /** Default 60 000 ms. */
  windowMs: number;
}

export interface PlannrSimulatorOptions {
  /** Default: the sandbox user. */
  users?: readonly PlannrSimulatorUser[];
  /** Client accounts of the firm. Default: the sandbox's. */
  clientAccounts?: readonly PlannrSandboxAccount[];
  /** Default: the sandbox's. */
  circles?: readonly PlannrSandboxCircle[];
  /** Goals present at start. */
  goals?: readonly PlannrGoalSeed[];
  /** `false` turns the limit off. */
  rateLimit?: PlannrRateLimit | false;
  latency?: Latency;
  /** Seed of generated ids and random faults. */
  seed?: number;
  /** Clock, epoch milliseconds. */
  now?: () => number;
  /** Wrap single goals in `data` as Laravel's default does (ASSUMPTION `singleResourceWrapped`). */
  wrapSingleResources?: boolean;
  /** The firm's currency. Default GBP (ASSUMPTION `accountCurrency`). */
  currency?: string;
}

export interface PlannrSimulator extends Simulator {
  /** Every goal as `GET /goals/{uuid}?include=…` renders it, in `created_at` order. */
  goals(): Record<string, unknown>[];
  goal(uuid: string): Record<string, unknown> | undefined;
  readonly goalCount: number;
  /** Inserts goals directly (no request, no rate limit); returns their UUIDs. */
  seedGoals(goals: readonly PlannrGoalSeed[]): string[];
  deleteAllGoals(): void;
  addClientAccounts(accounts: readonly PlannrSandboxAccount[]): void;
  clientAccounts(): PlannrSandboxAccount[];
  addCircles(circles: readonly PlannrSandboxCircle[]): void;
  addUser(user: PlannrSimulatorUser): void;
  /** Changes the per-user limit; counting starts afresh. */
  setRateLimit(limit: PlannrRateLimit | false): void;
}

type Context = { request: Request; url: URL; params: Record<string, string>; user: PlannrSimulatorUser };
type Handler = (context: Context) => Promise<Response> | Response;

const { errorMessages, rateLimitHeaders: headerNames } = PLANNR_ASSUMPTIONS;
const API = '/api/v2';

/** Laravel's JSON error body. */
const message = (status: number, text: string, headers: Record<string, string> = {}) =>
  jsonResponse(status, { message: text }, headers);

export function createPlannrSimulator(options: PlannrSimulatorOptions = {}): PlannrSimulator {
  const now = options.now ?? Date.now;
  const random: Random = createRandom(options.seed ?? 1);
  const currency = options.currency ?? PLANNR_ASSUMPTIONS.accountCurrency;
  const store = new PlannrStore();
  const users = new Map<string, PlannrSimulatorUser>();
  let rateLimit: PlannrRateLimit | false = options.rateLimit ?? { limit: 500, windowMs: 60_000 };
  let windows = new Map<string, SlidingWindowCounter>();

  function addAccount(account: Omit<AccountRecord, 'type' | 'createdAt'>, type: AccountRecord['type']): void {
    const uuid = account.uuid.toLowerCase();
    store.accounts.set(uuid, { ...account, uuid, type, createdAt: now() });
  }

  /** A token and the adviser (employee) account it acts as. */
  function addUser(user: PlannrSimulatorUser): void {
    users.set(user.accessToken, user);
    if (store.accounts.has(user.accountUuid.toLowerCase())) return;
    const { firstName, lastName, role } = PLANNR_SANDBOX.adviser;
    const email = `${firstName}.${lastName}@example.co.uk`.toLowerCase();
    addAccount({ uuid: user.accountUuid, firstName, lastName, role, email }, 'employee');
  }

  function addClientAccounts(accounts: readonly PlannrSandboxAccount[]): void {
    for (const account of accounts) addAccount(account, 'client');
  }

  function addCircles(circles: readonly PlannrSandboxCircle[]): void {
    for (const circle of circles) {
      const uuid = circle.uuid.toLowerCase();
      store.circles.set(uuid, {
        ...circle,
        uuid,
        accountUuids: circle.accountUuids.map((id) => id.toLowerCase()),
        createdAt: now(),
      });
    }
  }

  function render(uuid: string, include: ReadonlySet<string>): Record<string, unknown> {
    const goal = store.goal(uuid);
    if (!goal) throw new Error(`no goal ${uuid}`);
    return renderGoal(goal, {
      account: (id) => store.accounts.get(id),
      circle: (id) => store.circles.get(id),
      include,
      currency,
    });
  }

  function single(resource: Record<string, unknown>, status = 200): Response {
    const wrapped = options.wrapSingleResources ?? PLANNR_ASSUMPTIONS.singleResourceWrapped;
    return jsonResponse(status, wrapped ? { data: resource } : resource);
  }

  // ASSUMPTION `targetAmountUnit`: what one written unit of `target_amount` is worth in the stored minor units.
  const minorUnitsPerTargetUnit =
    PLANNR_ASSUMPTIONS.targetAmountUnit === 'minor' ? 1n : 10n ** BigInt(currencyExponent(currency));
  const validation = (mode: 'create' | 'update') => ({
    mode,
    minorUnitsPerTargetUnit,
    clientAccount: (uuid: string) => store.clientAccount(uuid),
    circle: (uuid: string) => store.circle(uuid),
  });

  async function readBody(request: Request): Promise<unknown> {
    // Laravel reads a JSON body only when the request says it is JSON; anything else is an empty input.
    if (!/\bjson\b/i.test(request.headers.get('content-type') ?? '')) return {};
    try {
      return JSON.parse(await request.text());
    } catch {
      return {};
    }
  }

  const notFound = (uuid: string) => message(404, `${errorMessages.goalNotFound} ${uuid}`);

  const list: Handler = ({ url }) => {
    const parsed = parseListQuery(url.searchParams);
    if ('error' in parsed) return message(400, parsed.error);
    const goals = store.query(parsed.query);
    const { page, perPage } = parsed;
    const slice = goals.slice((page - 1) * perPage, page * perPage);
    const data = slice.map((goal) => render(goal.uuid, parsed.include));
    return jsonResponse(
      200,
      lengthAwarePage(data, { page, perPage, total: goals.length, path: `${url.origin}${url.pathname}` }),
    );
  };

  const show: Handler = ({ url, params }) => {
    const uuid = params.uuid as string;
    if (!store.goal(uuid)) return notFound(uuid);
    const include = parseIncludes(url.searchParams.get('include'));
    if ('error' in include) return message(400, include.error);
    return single(render(uuid, include.names));
  };

  const create: Handler = async ({ request, user }) => {
    if (user.canWrite === false) return message(403, errorMessages.forbidden);
    const result = validateGoalBody(await readBody(request), validation('create'));
    if (!result.ok) return jsonResponse(422, result.body);
    const goal = store.insert(freshUuid(), result.changes, now());
    return single(render(goal.uuid, writeIncludes()), PLANNR_ASSUMPTIONS.createStatus);
  };

  const update: Handler = async ({ request, params, user }) => {
    const goal = store.goal(params.uuid as string);
    if (!goal) return notFound(params.uuid as string);
    if (user.canWrite === false) return message(403, errorMessages.forbidden);
    const result = validateGoalBody(await readBody(request), validation('update'));
    if (!result.ok) return jsonResponse(422, result.body);
    store.update(goal, result.changes, now());
    return single(render(goal.uuid, writeIncludes()));
  };

  const remove: Handler = ({ params, user }) => {
    const uuid = params.uuid as string;
    if (!store.goal(uuid)) return notFound(uuid);
    if (user.canDelete === false) return message(403, errorMessages.forbidden);
    store.delete(uuid);
    const status = PLANNR_ASSUMPTIONS.deleteStatus;
    return status === 204 ? new Response(null, { status }) : message(status, 'Goal deleted.');
  };

  const router = new Router<Handler>();
  if (PLANNR_ASSUMPTIONS.listEndpoint) router.add('GET', `${API}/goals`, list);
  router
    .add('POST', `${API}/goals`, create)
    .add('GET', `${API}/goals/:uuid`, show)
    .add('PUT', `${API}/goals/:uuid`, update);
  if (PLANNR_ASSUMPTIONS.deleteEndpoint) router.add('DELETE', `${API}/goals/:uuid`, remove);

  function throttle(user: PlannrSimulatorUser): WindowHit | undefined {
    if (rateLimit === false) return undefined;
    let window = windows.get(user.accessToken);
    if (!window) {
      window = new SlidingWindowCounter(rateLimit.limit, rateLimit.windowMs);
      windows.set(user.accessToken, window);
    }
    return window.hit(now());
  }

  /** The headers of every answer past the throttle as they stand for `user`, without counting a request. */
  function currentRateHeaders(user: PlannrSimulatorUser): Record<string, string> {
    if (rateLimit === false) return {};
    const window = windows.get(user.accessToken);
    const { limit, remaining } = window?.peek(now()) ?? {
      limit: rateLimit.limit,
      remaining: rateLimit.limit,
    };
    return limitHeaders(limit, remaining);
  }

  function limitHeaders(limit: number, remaining: number): Record<string, string> {
    return { [headerNames.limit]: String(limit), [headerNames.remaining]: String(remaining) };
  }

  function rateHeaders(hit: WindowHit): Record<string, string> {
    const headers = limitHeaders(hit.limit, hit.remaining);
    if (!hit.allowed) {
      headers[headerNames.retryAfter] = String(Math.max(1, Math.ceil(hit.resetMs / 1000)));
      headers[headerNames.reset] = String(Math.ceil((now() + hit.resetMs) / 1000));
    }
    return headers;
  }

  /** What Laravel answers before the throttle (routing, then auth), or the route and user that reach it. */
  function gate(
    request: Request,
    url: URL,
  ): { match: RouteMatch<Handler>; user: PlannrSimulatorUser } | Response {
    const match = router.match(request.method, url.pathname);
    const route = url.pathname.replace(/^\/+/, '');
    if (match === undefined) return message(404, `The route ${route} could not be found.`);
    if (match === 'method-not-allowed') {
      return message(405, `The ${request.method} method is not supported for route ${route}.`);
    }
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
    const user = token === undefined ? undefined : users.get(token);
    if (!user) return message(401, 'Unauthenticated.');
    return { match, user };
  }

  /** Routing, then Laravel's middleware order: auth, throttle, the account header, the controller. */
  async function respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const gated = gate(request, url);
    if (gated instanceof Response) return gated;
    const { match, user } = gated;
    const hit = throttle(user);
    const headers = hit ? rateHeaders(hit) : {};
    if (hit && !hit.allowed) return message(429, errorMessages.tooManyAttempts, headers);
    const response =
      accountCheck(request, user) ?? (await match.handler({ request, url, params: match.params, user }));
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  }

  function accountCheck(request: Request, user: PlannrSimulatorUser): Response | undefined {
    const account = request.headers.get('x-plannr-account-uuid');
    const { missingAccountHeader, foreignAccountHeader } = PLANNR_ASSUMPTIONS;
    if (!account) return message(missingAccountHeader.status, missingAccountHeader.message);
    if (account.trim().toLowerCase() !== user.accountUuid.toLowerCase()) {
      return message(foreignAccountHeader.status, foreignAccountHeader.message);
    }
    return undefined;
  }

  const simulator = createSimulator({
    provider: 'plannr',
    origins: [PLANNR_ORIGIN],
    respond,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    faults: {
      serverError: () => message(500, errorMessages.serverError),
      rateLimited: (_request, retryAfter) => {
        const limit = rateLimit === false ? 500 : rateLimit.limit;
        const headers = limitHeaders(limit, 0);
        if (retryAfter !== undefined) {
          headers[headerNames.retryAfter] = String(retryAfter);
          headers[headerNames.reset] = String(Math.ceil(now() / 1000 + retryAfter));
        }
        return message(429, errorMessages.tooManyAttempts, headers);
      },
      // X-Ratelimit-Remaining is on every response [S16] (reference §2.6), with X-RateLimit-Limit (ASSUMPTION
      // rateLimitHeaders); a 500 too, as Laravel's throttle middleware wraps the controller whose exception
      // the handler renders. Unknown routes and bad tokens are answered before the throttle: none.
      rateLimitHeaders: (request) => {
        const gated = gate(request, new URL(request.url));
        return gated instanceof Response ? {} : currentRateHeaders(gated.user);
      },
    },
  });
  if (options.latency) simulator.faults.setLatency(options.latency);

  for (const user of options.users ?? [PLANNR_SANDBOX]) addUser(user);
  addClientAccounts(options.clientAccounts ?? PLANNR_SANDBOX.clientAccounts);
  addCircles(options.circles ?? PLANNR_SANDBOX.circles);

  /**
   * A UUID no goal ever had, deleted ones included. Seeded data may come from a generator on the same seed as
   * this simulator, whose UUIDs are then the ones it would draw next.
   */
  function freshUuid(): string {
    let uuid = uuidV4(random);
    while (store.used(uuid)) uuid = uuidV4(random);
    return uuid;
  }

  function seedGoals(seeds: readonly PlannrGoalSeed[]): string[] {
    return seeds.map((seed) => {
      const uuid = seed.uuid ?? freshUuid();
      if (store.goal(uuid)) throw new Error(`goal ${uuid} exists already`);
      for (const owner of seed.accountUuids) {
        if (!store.clientAccount(owner)) throw new Error(`goal ${uuid}: ${owner} is not a client account`);
      }
      const createdAt = instant(seed.createdAt) ?? now();
      return store.insert(uuid, seedChanges(seed), createdAt, instant(seed.updatedAt) ?? createdAt).uuid;
    });
  }
  if (options.goals) seedGoals(options.goals);

  const everything = new Set(ALLOWED_INCLUDES);
  Object.defineProperty(simulator, 'goalCount', { get: () => store.size, enumerable: true });
  return Object.assign(simulator as Simulator & { readonly goalCount: number }, {
    goals: () => structuredClone(store.all().map((goal) => render(goal.uuid, everything))),
    goal: (uuid: string) => (store.goal(uuid) ? structuredClone(render(uuid, everything)) : undefined),
    seedGoals,
    deleteAllGoals: () => store.clear(),
    addClientAccounts,
    clientAccounts: () =>
      [...store.accounts.values()]
        .filter((account) => account.type === 'client')
        .map(
          ({ uuid, firstName, lastName, role, email }) =>
            ({ uuid, firstName, lastName, role, email }) as PlannrSandboxAccount,
        ),
    addCircles,
    addUser,
    setRateLimit(limit: PlannrRateLimit | false) {
      rateLimit = limit;
      windows = new Map();
    },
  });
}

export interface PlannrSandbox {
  simulator: PlannrSimulator;
  server: RunningServer;
  /** `http://127.0.0.1:<port>/api/v2`. */
  baseURL: string;
  /** What `createPlannrAdapter` needs to reach it with the sandbox credentials. */
  adapterOptions: { accessToken: string; accountUuid: string; baseURL: string };
  close(): Promise<void>;
}

/** A simulator on a real localhost port, for the CLI sandbox, the demo and benchmarks in another process. */
export async function startPlannrSandbox(
  options: PlannrSimulatorOptions & { serve?: ServeOptions } = {},
): Promise<PlannrSandbox> {
  const { serve, ...simulatorOptions } = options;
  const simulator = createPlannrSimulator(simulatorOptions);
  const server = await simulator.listen(serve);
  const baseURL = `${server.url}/api/v2`;
  return {
    simulator,
    server,
    baseURL,
    adapterOptions: {
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      baseURL,
    },
    close: () => server.close(),
  };
}

/** Relations on write responses: none, as documented (ASSUMPTION `writeResponsesLoadRelations`). */
function writeIncludes(): ReadonlySet<string> {
  return PLANNR_ASSUMPTIONS.writeResponsesLoadRelations ? new Set(ALLOWED_INCLUDES) : new Set();
}

function instant(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : Date.parse(parseDateTime(value) ?? 'invalid');
}

function seedChanges(seed: PlannrGoalSeed): GoalChanges {
  return {
    name: seed.name,
    description: seed.description ?? null,
    targetAmount:
      seed.targetAmount === undefined || seed.targetAmount === null ? null : String(seed.targetAmount),
    progress: seed.progress ?? null,
    timeframe: seed.timeframe ?? null,
    completeGoalBy: seed.completeGoalBy ?? null,
    priority: seed.priority ?? null,
    accountUuids: seed.accountUuids.map((uuid) => uuid.toLowerCase()),
    shownOnCircles: seed.shownOnCircles ?? PLANNR_ASSUMPTIONS.shownOnCirclesDefault,
    visibleToCirclesUuids: (seed.visibleToCirclesUuids ?? []).map((uuid) => uuid.toLowerCase()),
  };
}
