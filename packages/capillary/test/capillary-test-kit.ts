/** Shared setup for the adapter tests: a simulator on a fixed clock, an adapter, and a log of every exchange. */
import type { GoalInputDraft } from '@goalbridge/core';
import { basicAuthorization } from '../src/capillary-auth.ts';
import { type CapillaryAdapterOptions, createCapillaryAdapter } from '../src/index.ts';
import {
  CAPILLARY_SANDBOX,
  type CapillarySimulator,
  type CapillarySimulatorOptions,
  createCapillarySimulator,
} from '../src/testing/index.ts';

/** 2026-02-15 09:00 UTC: February's period is running, January's has ended. */
export const NOW = Date.parse('2026-02-15T09:00:00Z');

export interface Exchange {
  method: string;
  path: string;
  url: URL;
  status: number;
  body: unknown;
  headers: Headers;
}

export interface KitOptions extends Partial<CapillaryAdapterOptions> {
  simulator?: CapillarySimulatorOptions;
  /** Rewrites answers, e.g. to strip fields or add warnings. */
  rewrite?: (exchange: Exchange, body: unknown) => unknown;
}

export function kit(options: KitOptions = {}) {
  const { simulator: simulatorOptions, rewrite, ...adapterOptions } = options;
  let now = NOW;
  const clock = () => now;
  const simulator = createCapillarySimulator({ rateLimit: false, now: clock, ...simulatorOptions });
  const log: Exchange[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    const url = new URL(request.url);
    const exchange = {
      method: request.method,
      path: url.pathname,
      url,
      /** 0 until answered; stays 0 when the connection dropped. */
      status: 0,
      body: text ? JSON.parse(text) : undefined,
      headers: request.headers,
    };
    log.push(exchange);
    const response = await simulator.fetch(request);
    exchange.status = response.status;
    if (!rewrite) return response;
    const answer = rewrite(exchange, await response.json());
    return new Response(JSON.stringify(answer), { status: response.status, headers: response.headers });
  };
  const adapter = createCapillaryAdapter({
    auth: CAPILLARY_SANDBOX.basic,
    fetch,
    rateLimits: false,
    retry: { retries: 2, baseDelayMs: 1, jitter: false },
    now: clock,
    ...adapterOptions,
  });
  return {
    simulator,
    adapter,
    log,
    advance: (ms: number) => {
      now += ms;
    },
    /** Requests other than reads. */
    writes: () =>
      log
        .filter((exchange) => exchange.method !== 'GET')
        .map((exchange) => `${exchange.method} ${exchange.path}`),
    count: (method: string, path: RegExp) =>
      log.filter((exchange) => exchange.method === method && path.test(exchange.path)).length,
  };
}

const SCOPE = {
  eventName: 'TransactionAdd',
  expression: 'true',
  expressionJson: '{"arity":"literal","value":"true","type":"boolean:primitive"}',
  filters: [],
};

/** A Q1 2026 monthly sales goal: January ended, February running, March not started (at {@link NOW}). */
export function quarterly(title = 'Q1 spend', extra: Partial<GoalInputDraft> = {}): GoalInputDraft {
  return {
    title,
    description: 'Spend 5000 a month',
    measure: { kind: 'money', metric: 'TRANSACTION/SALES', scope: SCOPE },
    target: { value: '5000' },
    schedule: { start: '2026-01-01', end: '2026-03-31', recurrence: 'monthly' },
    ...extra,
  };
}

/** A one-period count group in create-request form, for `simulator.seedGroups`. */
export function seededGroup(name: string) {
  return {
    name,
    trackingType: 'DEFAULT',
    periods: [{ startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'Cycle_1' }],
    targets: [
      { name, targetEntity: 'TRANSACTION', targetType: 'COUNT', defaultValues: [{ defaultValue: 1 }] },
    ],
  };
}

/** The sandbox till's `Authorization` header. */
export const SANDBOX_BASIC = basicAuthorization(
  CAPILLARY_SANDBOX.basic.username,
  CAPILLARY_SANDBOX.basic.password,
);

/**
 * A call to the simulated API (`path` under `/v3`, e.g. `/targetGroups`) outside the adapter, what another
 * client would do: as the sandbox till unless `headers` say otherwise.
 */
export async function callApi(
  simulator: CapillarySimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: SANDBOX_BASIC },
) {
  const response = await simulator.fetch(
    new Request(`${CAPILLARY_SANDBOX.origin}/v3${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  return {
    status: response.status,
    headers: response.headers,
    // biome-ignore lint/suspicious/noExplicitAny: assertions probe arbitrary JSON answers.
    body: (await response.json()) as Record<string, any>,
  };
}
