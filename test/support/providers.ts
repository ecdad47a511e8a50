/**
 * Each provider's adapter on a fresh in-process simulator, seeded with generated goals, plus the plan
 * defaults a migration into it needs (owners, currency, KPIs, start date, recurrence).
 */
import { createCapillaryAdapter } from '@goalbridge/capillary';
import {
  CAPILLARY_SANDBOX,
  createCapillarySimulator,
  generateCapillaryTargetGroups,
} from '@goalbridge/capillary/testing';
import type { GoalAdapter, HttpHooks, PlanOptions } from '@goalbridge/core';
import type { Simulator } from '@goalbridge/core/simulator';
import { createPipedriveAdapter } from '@goalbridge/pipedrive';
import {
  createPipedriveSimulator,
  generatePipedriveDataset,
  PIPEDRIVE_SANDBOX,
} from '@goalbridge/pipedrive/testing';
import { createPlannrAdapter } from '@goalbridge/plannr';
import { createPlannrSimulator, generatePlannrGoals, PLANNR_SANDBOX } from '@goalbridge/plannr/testing';

export const PROVIDER_NAMES = ['pipedrive', 'plannr', 'capillary'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface TestProvider {
  name: ProviderName;
  adapter: GoalAdapter;
  simulator: Simulator;
}

export interface TestProviderOptions {
  goals?: number;
  seed?: number;
  /** Retry policy of the adapter's HTTP client; tests use short delays. */
  retry?: { retries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per-attempt timeout of the adapter, e.g. short for hanging faults. */
  timeoutMs?: number;
  /**
   * Goals per page of a listing, so every answer stays small (well under a short timeout) and a listing is
   * many requests: Plannr's `per_page`; Capillary then pages through `GET /v3/milestones` instead of one
   * `GET /v3/targetGroups` answer. Pipedrive has no paging.
   */
  pageSize?: number;
  /** Wraps the simulator's fetch, e.g. to corrupt its answers. */
  wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
  hooks?: HttpHooks;
}

export function testProvider(name: ProviderName, options: TestProviderOptions = {}): TestProvider {
  const { goals = 0, seed = 7 } = options;
  const transport = (simulator: Simulator) => options.wrapFetch?.(simulator.fetch) ?? simulator.fetch;
  const http = {
    retry: options.retry ?? { baseDelayMs: 1, maxDelayMs: 20 },
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  };
  if (name === 'pipedrive') {
    const simulator = createPipedriveSimulator({
      plan: 'ultimate',
      seed,
      limits: { burstApiToken: 10_000, dailyTokens: 10_000_000 },
      ...(goals ? { dataset: generatePipedriveDataset({ seed, goals }) } : {}),
    });
    const adapter = createPipedriveAdapter({
      apiToken: PIPEDRIVE_SANDBOX.apiToken,
      fetch: transport(simulator),
      rateLimits: false,
      defaultInterval: 'monthly',
      ...http,
    });
    return { name, adapter, simulator };
  }
  if (name === 'plannr') {
    const simulator = createPlannrSimulator({
      seed,
      rateLimit: false,
      goals: goals ? generatePlannrGoals(goals, { seed }) : [],
    });
    const plannr = createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      fetch: transport(simulator),
      rateLimits: false,
      ...http,
    });
    const { pageSize } = options;
    const adapter: GoalAdapter = pageSize
      ? { ...plannr, list: (listOptions) => plannr.list({ pageSize, ...listOptions }) }
      : plannr;
    return { name, adapter, simulator };
  }
  const simulator = createCapillarySimulator({ seed, rateLimit: false });
  if (goals) simulator.seedGroups(generateCapillaryTargetGroups({ count: goals, seed }));
  const adapter = createCapillaryAdapter({
    auth: CAPILLARY_SANDBOX.basic,
    fetch: transport(simulator),
    rateLimits: false,
    ...(options.pageSize ? { listEndpoint: 'milestones' as const, pageSize: options.pageSize } : {}),
    ...http,
  });
  return { name, adapter, simulator };
}

/** What a migration into each provider needs that other providers' goals may lack. */
export const DEFAULTS_FOR: Record<ProviderName, PlanOptions> = {
  pipedrive: {
    defaults: {
      owners: [{ type: 'person', id: String(PIPEDRIVE_SANDBOX.userId) }],
      currency: 'EUR',
      start: 'created',
      recurrence: 'monthly',
      measure: { count: { metric: 'activities_completed' }, money: { metric: 'deals_won' } },
    },
  },
  plannr: {
    defaults: { owners: [{ type: 'account', id: PLANNR_SANDBOX.clientAccounts[0].uuid }], currency: 'GBP' },
  },
  capillary: {
    defaults: {
      start: 'created',
      recurrence: 'custom',
      measure: { count: { metric: 'TRANSACTION/COUNT' }, money: { metric: 'TRANSACTION/SALES' } },
    },
  },
};

/** {@link DEFAULTS_FOR} as the CLI takes them: the plan-default flags of `plan`, `migrate` and `import`. */
export function cliDefaultFlags(name: ProviderName): string[] {
  const { owners, currency, start, recurrence, measure } = DEFAULTS_FOR[name].defaults ?? {};
  const owner = owners?.[0];
  return [
    ...(owner ? ['--default-owner', `${owner.type}:${owner.id}`] : []),
    ...(currency ? ['--currency', currency] : []),
    ...(start ? ['--start-date', start] : []),
    ...(recurrence ? ['--recurrence', recurrence] : []),
    ...(measure?.count ? ['--count-kpi', measure.count.metric] : []),
    ...(measure?.money ? ['--money-kpi', measure.money.metric] : []),
  ];
}

export async function countGoals(adapter: GoalAdapter): Promise<number> {
  let total = 0;
  for await (const _goal of adapter.list()) total++;
  return total;
}

export async function listGoals(adapter: GoalAdapter) {
  const goals = [];
  for await (const goal of adapter.list()) goals.push(goal);
  return goals;
}
