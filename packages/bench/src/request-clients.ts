/**
 * The three clients of the request-path row, each doing the same four operations with the same requests:
 * `POST /goals` with the same body, `GET /goals/find` with the same query, `PUT /goals/{id}` with the same
 * body, `DELETE /goals/{id}`, the API token in the `x-api-token` header every time. The run checks this
 * (the simulator records what it received) before it times anything.
 */
import type { GoalInput } from '@goalbridge/core';
import { toGoalInput } from '@goalbridge/core';
import {
  createCurrencyTable,
  createPipedriveAdapter,
  goalToPipedriveGoal,
  type PipedriveGoalBody,
  PipedriveGoalSchema,
  pipedriveGoalToGoal,
} from '@goalbridge/pipedrive';
import {
  createPipedriveSimulator,
  generatePipedriveDataset,
  PIPEDRIVE_SANDBOX,
  SANDBOX_CURRENCIES,
} from '@goalbridge/pipedrive/testing';
import ky from 'ky';
import { type AddGoalRequest, type BasicGoalRequest, Configuration, GoalsApi } from 'pipedrive/v1';

/** One add → find → update → delete cycle. */
export interface WorkItem {
  /** What goalbridge is given (its adapter maps it to `body`). */
  input: GoalInput;
  /** The `POST /goals` body, as goalbridge's mapper writes it; the other clients send it as is. */
  body: PipedriveGoalBody;
  title: string;
  assigneeType: 'person' | 'team' | 'company';
  isActive: boolean;
  newTitle: string;
}

export interface GoalsClient {
  name: string;
  add(item: WorkItem): Promise<string>;
  /** Resolves to the number of goals found. */
  find(item: WorkItem): Promise<number>;
  update(item: WorkItem, id: string): Promise<void>;
  delete(id: string): Promise<void>;
}

/** `SANDBOX_CURRENCIES` as `{ EUR: 1, ... }`: goalbridge is told the account's currencies, as a user would. */
export const CURRENCY_IDS: Readonly<Record<string, number>> = Object.fromEntries(
  SANDBOX_CURRENCIES.map((currency) => [currency.code, currency.id]),
);

/** `count` realistic cycles from the Pipedrive data generator, each with a title no other goal has. */
export function workItems(count: number, seed = 11): WorkItem[] {
  const dataset = generatePipedriveDataset({ goals: count * 2, seed, deals: 0, activities: 0 });
  const simulator = createPipedriveSimulator({ dataset });
  const currencies = createCurrencyTable(SANDBOX_CURRENCIES);
  const today = new Date().toISOString().slice(0, 10);
  const titled = simulator.goals().filter((raw) => typeof raw.title === 'string' && raw.title !== '');
  return titled.slice(0, count).map((raw, index) => {
    const goal = pipedriveGoalToGoal(PipedriveGoalSchema.parse(raw), { currencies }).value;
    const title = `${goal.title} · cycle ${index + 1}`;
    const input: GoalInput = { ...toGoalInput(goal), title };
    const end = input.schedule.end;
    return {
      input,
      body: goalToPipedriveGoal(input, { currencies }).value,
      title,
      assigneeType: (goal.owners[0]?.type ?? 'person') as WorkItem['assigneeType'],
      isActive: end === null || end === undefined || end >= today,
      newTitle: `${title} (renamed)`,
    };
  });
}

/** Limits as high as the simulator's: the row measures the request path, not waiting for a window. */
export const UNTHROTTLED = { burstLimit: 1_000_000, dailyTokens: 1_000_000_000 } as const;

export function goalbridgeClient(baseURL: string): GoalsClient {
  const adapter = createPipedriveAdapter({
    apiToken: PIPEDRIVE_SANDBOX.apiToken,
    baseURL,
    plan: 'ultimate',
    rateLimits: UNTHROTTLED,
    currencies: CURRENCY_IDS,
  });
  return {
    name: 'goalbridge',
    add: async (item) => (await adapter.create(item.input)).goal.id as string,
    find: async (item) =>
      (await adapter.find({ title: item.title, assigneeType: item.assigneeType, isActive: item.isActive }))
        .length,
    update: async (item, id) => {
      await adapter.update(id, { title: item.newTitle });
    },
    delete: (id) => adapter.delete(id),
  };
}

export function officialClient(basePath: string): GoalsClient {
  const api = new GoalsApi(new Configuration({ apiKey: PIPEDRIVE_SANDBOX.apiToken, basePath }));
  return {
    name: 'official',
    add: async (item) => {
      const response = await api.addGoal({ AddGoalRequest: item.body as AddGoalRequest });
      return response.data?.goal?.id as string;
    },
    find: async (item) => {
      const response = await api.getGoals({
        title: item.title,
        assignee_type: item.assigneeType,
        is_active: item.isActive,
      });
      return response.data?.goals?.length ?? 0;
    },
    update: async (item, id) => {
      await api.updateGoal({ id, BasicGoalRequest: { title: item.newTitle } as BasicGoalRequest });
    },
    delete: async (id) => {
      await api.deleteGoal({ id });
    },
  };
}

/** How a baseline sends one request: a JSON body or a query, nothing else. */
type Send = (
  method: string,
  path: string,
  options: { body?: unknown; query?: Record<string, string> },
) => Promise<Response>;

/**
 * A baseline client as a careful user writes it: status and `success` checked, JSON parsed, raw JSON returned.
 * The baselines differ only in how they send.
 */
function rawJsonClient(name: string, send: Send): GoalsClient {
  async function call(
    method: string,
    path: string,
    options: Parameters<Send>[2] = {},
  ): Promise<Record<string, unknown>> {
    const response = await send(method, path, options);
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok || json.success !== true) throw new Error(`${method} ${path}: HTTP ${response.status}`);
    return json;
  }
  const goalOf = (json: Record<string, unknown>) => (json.data as { goal: { id: string } }).goal;
  return {
    name,
    add: async (item) => goalOf(await call('POST', 'goals', { body: item.body })).id,
    find: async (item) => {
      const query = {
        title: item.title,
        'assignee.type': item.assigneeType,
        is_active: String(item.isActive),
      };
      const json = await call('GET', 'goals/find', { query });
      return (json.data as { goals?: unknown[] } | null)?.goals?.length ?? 0;
    },
    update: async (item, id) => {
      await call('PUT', `goals/${encodeURIComponent(id)}`, { body: { title: item.newTitle } });
    },
    delete: async (id) => {
      await call('DELETE', `goals/${encodeURIComponent(id)}`);
    },
  };
}

/** What a careful user writes with nothing but `fetch`. */
export function bareFetchClient(baseURL: string): GoalsClient {
  const headers = { 'x-api-token': PIPEDRIVE_SANDBOX.apiToken, accept: 'application/json' };
  return rawJsonClient('bare fetch', (method, path, { body, query }) =>
    fetch(`${baseURL}/${path}${query ? `?${new URLSearchParams(query)}` : ''}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/**
 * What a user of the required stack writes with ky alone: one instance with the base URL and headers, `json`
 * bodies, `searchParams`. The floor under any ky-based client.
 */
export function bareKyClient(baseURL: string): GoalsClient {
  const api = ky.create({
    prefix: `${baseURL}/`,
    headers: { 'x-api-token': PIPEDRIVE_SANDBOX.apiToken, accept: 'application/json' },
    retry: 0,
    throwHttpErrors: false,
  });
  return rawJsonClient('bare ky', (method, path, { body, query }) =>
    api(path, {
      method,
      ...(body === undefined ? {} : { json: body }),
      ...(query ? { searchParams: query } : {}),
    }),
  );
}

/** One cycle; fails when the find did not see exactly the goal just added. */
export async function runCycle(client: GoalsClient, item: WorkItem): Promise<void> {
  const id = await client.add(item);
  const found = await client.find(item);
  if (found !== 1) throw new Error(`${client.name}: find saw ${found} goals titled "${item.title}", not 1`);
  await client.update(item, id);
  await client.delete(id);
}
