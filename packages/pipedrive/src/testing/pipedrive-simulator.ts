/**
 * A stateful Pipedrive Goals API (v1) simulator: a fetch handler serving `/v1/goals…`, `/api/v1/goals…` and
 * `/currencies` as the reference describes them — API tokens in the `x-api-token` header or the legacy
 * `api_token` query parameter, OAuth bearer tokens with scopes, the goals service's envelopes and the v1 error
 * bodies, find's defaults, soft delete, results from seeded deals and activities, the burst window and the
 * daily token budget with their headers. It runs in process (`fetch`), as msw handlers (`toMswHandlers` from
 * `@goalbridge/core/msw`) and as a real localhost server (`listen()`), with the core shell's latency and faults.
 */
import {
  createRandom,
  createSimulator,
  jsonResponse,
  type RouteMatch,
  Router,
  type RunningServer,
  readJsonBody,
  type ServeOptions,
  type Simulator,
  uuidV4,
} from '@goalbridge/core/simulator';
import { PIPEDRIVE_TOKEN_COSTS, type PipedriveCurrency } from '../pipedrive-api.ts';
import type { PipedrivePlan } from '../pipedrive-rate-limits.ts';
import type { PipedriveDataset } from './pipedrive-dataset.ts';
import {
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulatorTeam,
  type PipedriveSimulatorUser,
  SANDBOX_CURRENCIES,
  SANDBOX_USER,
} from './pipedrive-sandbox.ts';
import {
  type Caller,
  type DailyBudgetState,
  defaultLimits,
  type PipedriveSimulatorLimits,
  SimulatorRateLimits,
} from './pipedrive-simulator-limits.ts';
import type { PipedriveSimulatorActivity, PipedriveSimulatorDeal } from './pipedrive-simulator-results.ts';
import {
  type Answer,
  errorBody,
  type PipedriveGoalSeed,
  PipedriveGoalStore,
} from './pipedrive-simulator-store.ts';
import type { RawGoal } from './pipedrive-simulator-validation.ts';

type Operation = keyof typeof PIPEDRIVE_TOKEN_COSTS;

export interface PipedriveSimulatorOptions {
  /** Seed of ids, correlation ids and random faults. Default 1. */
  seed?: number;
  /** The company's plan: burst limits and daily budget. Default `lite`. */
  plan?: PipedrivePlan;
  /** Seats on the plan. Default 1. */
  seats?: number;
  /** Overrides of the plan's limits (scaled-down windows for benchmarks, a small budget, ...). */
  limits?: Partial<PipedriveSimulatorLimits>;
  /** Users and their credentials. Default: the sandbox user (`PIPEDRIVE_SANDBOX`). */
  users?: readonly PipedriveSimulatorUser[];
  teams?: readonly PipedriveSimulatorTeam[];
  currencies?: readonly PipedriveCurrency[];
  /** Extra company domains to answer for in msw (`https://<domain>.pipedrive.com`). */
  companyDomains?: readonly string[];
  /** A generated account: users, teams, goals, deals, activities. */
  dataset?: PipedriveDataset;
  /** The server clock (default `Date.now`); `clock.advance()` moves it further. */
  now?: () => number;
}

export interface SimulatorClock {
  now(): number;
  /** Moves the server clock forward (or back, with a negative value). */
  advance(ms: number): void;
  /** Sets the server clock to an epoch-ms instant. */
  set(epochMs: number): void;
}

export interface TokenUsage {
  /** Tokens spent by admitted calls. */
  tokens: number;
  byOperation: Partial<Record<Operation, { calls: number; tokens: number }>>;
}

export interface PipedriveSimulator extends Simulator {
  readonly clock: SimulatorClock;
  /** Goals as the API serves them (is_active derived now); deleted ones only when asked. */
  goals(options?: { includeDeleted?: boolean }): RawGoal[];
  /** Inserts goals directly (no API cost); the owner defaults to the first user. */
  seedGoals(goals: readonly PipedriveGoalSeed[], options?: { ownerId?: number }): RawGoal[];
  seedDeals(deals: readonly PipedriveSimulatorDeal[]): void;
  seedActivities(activities: readonly PipedriveSimulatorActivity[]): void;
  addUser(user: PipedriveSimulatorUser): void;
  addTeam(team: PipedriveSimulatorTeam): void;
  /** Removes every goal (deals, activities and users stay). */
  clearGoals(): void;
  limits(): PipedriveSimulatorLimits;
  setLimits(changes: Partial<PipedriveSimulatorLimits>): void;
  dailyBudget(): DailyBudgetState | undefined;
  /** Sets what is left of the daily budget, its limit or its next reset. */
  setDailyBudget(state: Partial<DailyBudgetState>): void;
  usage(): TokenUsage;
}

const ERROR_INFO = 'Please check developers.pipedrive.com';
const API_PREFIXES = ['/v1', '/api/v1'];
/** OAuth scopes that open each operation (reference §1 table; `base` covers currencies, spec securitySchemes). */
const SCOPES: Readonly<Record<Operation, readonly string[]>> = {
  find: ['goals:read', 'goals:full'],
  results: ['goals:read', 'goals:full'],
  add: ['goals:full'],
  update: ['goals:full'],
  delete: ['goals:full'],
  currencies: ['base'],
};

/** The Cloudflare page sent to API-token integrations that keep going after 429s (reference §5). */
const CLOUDFLARE_BLOCK =
  '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>' +
  '<body><h1>Sorry, you have been blocked</h1></body></html>';

interface Route {
  operation: Operation;
  handle(context: { url: URL; params: Record<string, string>; caller: Caller; body: unknown }): Answer;
}

type Authentication =
  | { ok: true; caller: Caller; scopes: readonly string[] | undefined }
  | { ok: false; response: Response };

/** A request that reached the limiter: who calls which route; else the answer given before it. */
type Gate = { ok: true; caller: Caller; match: RouteMatch<Route> } | { ok: false; response: Response };

export function createPipedriveSimulator(options: PipedriveSimulatorOptions = {}): PipedriveSimulator {
  const random = createRandom(options.seed ?? 1);
  const base = options.now ?? Date.now;
  let offset = 0;
  const clock: SimulatorClock = {
    now: () => base() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (epochMs) => {
      offset = epochMs - base();
    },
  };
  const users = new Map<number, PipedriveSimulatorUser>();
  const teams: PipedriveSimulatorTeam[] = [...(options.teams ?? options.dataset?.teams ?? [])];
  const deals: PipedriveSimulatorDeal[] = [];
  const activities: PipedriveSimulatorActivity[] = [];
  const currencies = [...(options.currencies ?? SANDBOX_CURRENCIES)];
  const currencyIds = () => new Set(currencies.map((currency) => currency.id));
  const store = new PipedriveGoalStore(random, clock.now, currencyIds);
  const limits = new SimulatorRateLimits(
    { ...defaultLimits(options.plan ?? 'lite', options.seats ?? 1), ...options.limits },
    clock.now,
  );
  const usage: TokenUsage = { tokens: 0, byOperation: {} };

  for (const user of options.users ?? options.dataset?.users ?? [SANDBOX_USER]) users.set(user.id, user);

  function authenticate(request: Request, url: URL, correlation: Record<string, string>): Authentication {
    const headerToken = request.headers.get('x-api-token');
    const queryToken = url.searchParams.get('api_token');
    const authorization = request.headers.get('authorization');
    const unauthorized = (): Authentication => ({
      ok: false,
      response: jsonResponse(
        401,
        { success: false, error: 'unauthorized access', errorCode: 401, error_info: ERROR_INFO },
        { ...correlation, 'x-401-by-gw': 'true' },
      ),
    });
    const apiToken = headerToken ?? queryToken;
    if (apiToken !== null) {
      const user = [...users.values()].find((candidate) => candidate.apiToken === apiToken);
      return user
        ? { ok: true, caller: { key: apiToken, kind: 'apiToken', userId: user.id }, scopes: undefined }
        : unauthorized();
    }
    if (authorization === null) return unauthorized();
    const bearer = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    if (!bearer) {
      return {
        ok: false,
        response: jsonResponse(
          400,
          {
            success: false,
            error: 'Invalid request: malformed authorization header',
            error_info: ERROR_INFO,
          },
          correlation,
        ),
      };
    }
    const token = bearer[1] as string;
    for (const user of users.values()) {
      const grant = user.oauthTokens?.find((candidate) => candidate.token === token);
      if (grant)
        return { ok: true, caller: { key: token, kind: 'oauth', userId: user.id }, scopes: grant.scopes };
    }
    return unauthorized();
  }

  const router = new Router<Route>();
  const routes: [string, string, Route][] = [
    [
      'GET',
      '/goals/find',
      { operation: 'find', handle: ({ url, caller }) => store.find(url.searchParams, caller.userId) },
    ],
    [
      'GET',
      '/goals/:id/results',
      {
        operation: 'results',
        handle: ({ url, params }) =>
          store.results(params.id as string, url.searchParams, { deals, activities, teams }),
      },
    ],
    ['POST', '/goals', { operation: 'add', handle: ({ body, caller }) => store.add(body, caller.userId) }],
    [
      'PUT',
      '/goals/:id',
      { operation: 'update', handle: ({ params, body }) => store.update(params.id as string, body) },
    ],
    [
      'DELETE',
      '/goals/:id',
      { operation: 'delete', handle: ({ params }) => store.delete(params.id as string) },
    ],
    ['GET', '/currencies', { operation: 'currencies', handle: ({ url }) => listCurrencies(url) }],
  ];
  for (const prefix of API_PREFIXES) {
    for (const [method, path, route] of routes) router.add(method, `${prefix}${path}`, route);
  }

  function listCurrencies(url: URL): Answer {
    const term = url.searchParams.get('term')?.toLowerCase();
    const data = currencies.filter(
      (currency) =>
        !term ||
        currency.code.toLowerCase().includes(term) ||
        (currency.name ?? '').toLowerCase().includes(term),
    );
    return { status: 200, body: { success: true, data } };
  }

  function spend(operation: Operation): void {
    const cost = PIPEDRIVE_TOKEN_COSTS[operation];
    usage.tokens += cost;
    const entry = usage.byOperation[operation] ?? { calls: 0, tokens: 0 };
    entry.calls++;
    entry.tokens += cost;
    usage.byOperation[operation] = entry;
  }

  /** Authentication, routing and scopes: what is checked before the limiter. No side effects. */
  function gate(request: Request, url: URL, correlation: Record<string, string>): Gate {
    const auth = authenticate(request, url, correlation);
    if (!auth.ok) return auth;
    const match = router.match(request.method, url.pathname);
    if (match === undefined) {
      return {
        ok: false,
        response: jsonResponse(404, errorBody(`Unknown method ${url.pathname}`), correlation),
      };
    }
    if (match === 'method-not-allowed')
      return { ok: false, response: jsonResponse(405, errorBody('Method not allowed'), correlation) };
    if (auth.scopes && !SCOPES[match.handler.operation].some((scope) => auth.scopes?.includes(scope))) {
      return { ok: false, response: jsonResponse(403, errorBody('Scope and URL mismatch'), correlation) };
    }
    return { ok: true, caller: auth.caller, match };
  }

  async function respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const correlation = { 'x-correlation-id': uuidV4(random) };
    const gated = gate(request, url, correlation);
    if (!gated.ok) return gated.response;
    const { caller, match } = gated;
    const { operation } = match.handler;
    const admission = limits.admit(caller, PIPEDRIVE_TOKEN_COSTS[operation], request.method);
    if (!admission.admitted) {
      if (admission.reason === 'blocked') {
        return new Response(CLOUDFLARE_BLOCK, {
          status: 403,
          headers: { 'content-type': 'text/html', 'cf-ray': correlation['x-correlation-id'] },
        });
      }
      return jsonResponse(429, overLimitBody(), { ...admission.headers, ...correlation });
    }
    spend(operation);
    const headers = { ...admission.headers, ...correlation };
    let body: unknown;
    if (request.method === 'POST' || request.method === 'PUT') {
      const parsed = await readJsonBody(request);
      if (!parsed.ok) return jsonResponse(400, errorBody('The request body is not valid JSON'), headers);
      body = parsed.value;
    }
    const answer = match.handler.handle({ url, params: match.params, caller, body });
    return jsonResponse(answer.status, answer.body, headers);
  }

  const origins = [
    'https://api.pipedrive.com',
    ...[PIPEDRIVE_SANDBOX.companyDomain, ...(options.companyDomains ?? [])].map(
      (domain) => `https://${domain}.pipedrive.com`,
    ),
  ];
  const shell = createSimulator({
    provider: 'pipedrive',
    origins,
    seed: options.seed ?? 1,
    respond,
    faults: {
      serverError: () => jsonResponse(500, errorBody('An internal server error occurred')),
      // A burst refusal: the window is full (remaining 0, as the adapter tells it from a spent daily budget).
      // Without Retry-After, Pipedrive still names the burst window's reset: a whole window (two waits).
      rateLimited: (_request, retryAfter, wait) =>
        jsonResponse(429, overLimitBody(), {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(retryAfter ?? 2 * wait),
          ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
        }),
      // The limit, the daily budget and the legacy write counter as they stand (reference §5), uncounted.
      rateLimitHeaders: (request) => {
        const gated = gate(request, new URL(request.url), {});
        return gated.ok ? limits.peek(gated.caller, request.method) : {};
      },
    },
  });

  const simulator: PipedriveSimulator = {
    ...shell,
    clock,
    goals: (listOptions) => store.list(listOptions),
    seedGoals: (goals, seedOptions) =>
      store.seed(goals, seedOptions?.ownerId ?? users.keys().next().value ?? PIPEDRIVE_SANDBOX.userId),
    seedDeals: (more) => {
      deals.push(...more);
    },
    seedActivities: (more) => {
      activities.push(...more);
    },
    addUser: (user) => {
      users.set(user.id, user);
    },
    addTeam: (team) => {
      teams.push(team);
    },
    clearGoals: () => store.clear(),
    limits: () => limits.limits,
    setLimits: (changes) => limits.set(changes),
    dailyBudget: () => limits.budget(),
    setDailyBudget: (state) => limits.setBudget(state),
    usage: () => structuredClone(usage),
  };
  if (options.dataset) {
    simulator.seedGoals(options.dataset.goals);
    simulator.seedDeals(options.dataset.deals);
    simulator.seedActivities(options.dataset.activities);
  }
  return simulator;
}

/** The 429 body (message from reference §4; the shape is a reconstruction). */
function overLimitBody(): Record<string, unknown> {
  return { success: false, error: 'Request over limit', errorCode: 429, error_info: ERROR_INFO };
}

export interface PipedriveSandbox {
  simulator: PipedriveSimulator;
  server: RunningServer;
  /** `<server>/v1`, for `baseURL` of the adapter or the official client's `basePath`. */
  baseURL: string;
  /** Options that connect `createPipedriveAdapter` to this sandbox. */
  adapterOptions: { apiToken: string; baseURL: string };
  close(): Promise<void>;
}

/** A simulator served on a localhost port (ephemeral by default), ready for the sandbox credentials. */
export async function startPipedriveSandbox(
  options: PipedriveSimulatorOptions & { serve?: ServeOptions } = {},
): Promise<PipedriveSandbox> {
  const { serve, ...simulatorOptions } = options;
  const simulator = createPipedriveSimulator(simulatorOptions);
  const server = await simulator.listen(serve);
  const baseURL = `${server.url}/v1`;
  return {
    simulator,
    server,
    baseURL,
    adapterOptions: { apiToken: PIPEDRIVE_SANDBOX.apiToken, baseURL },
    close: () => server.close(),
  };
}
