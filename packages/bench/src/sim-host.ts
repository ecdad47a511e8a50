/**
 * A provider simulator in a process of its own, served over real localhost HTTP, so a benchmark's clock and
 * CPU hold only the client. Configured by one JSON argument; controlled over the IPC channel: seed goals,
 * clear them, read the statuses it answered (e.g. how many 429s), and record requests to prove that the
 * clients under comparison sent the same ones.
 */
import { type Latency, serve } from '@goalbridge/core/simulator';
import type { PipedrivePlan } from '@goalbridge/pipedrive';
import {
  createPipedriveSimulator,
  generatePipedriveDataset,
  type PipedriveSimulator,
  type PipedriveSimulatorLimits,
} from '@goalbridge/pipedrive/testing';
import {
  createPlannrSimulator,
  generatePlannrGoals,
  type PlannrRateLimit,
  type PlannrSimulator,
} from '@goalbridge/plannr/testing';

export type HostConfig =
  | {
      provider: 'pipedrive';
      plan?: PipedrivePlan;
      limits?: Partial<PipedriveSimulatorLimits>;
      latency?: Latency;
    }
  | { provider: 'plannr'; rateLimit: PlannrRateLimit | false; latency?: Latency };

export type HostCommand =
  /** Generated Pipedrive goals; `currencyId` puts every money goal in that currency. */
  | { type: 'seed-pipedrive'; goals: number; seed: number; currencyId?: number }
  | { type: 'seed-plannr'; goals: number; seed: number }
  /** Removes every goal and restarts the rate windows. */
  | { type: 'clear' }
  /** Restarts the rate windows, goals kept: the next client starts as a run a window later would. */
  | { type: 'restart-windows' }
  | { type: 'stats' }
  | { type: 'reset-stats' }
  | { type: 'record'; on: boolean }
  | { type: 'recorded' }
  | { type: 'close' };

export interface HostStats {
  requests: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  goals: number;
}

/** A request reduced to what must match between clients doing the same work. */
export interface RecordedRequest {
  method: string;
  /** Path with goal ids replaced by `:id`. */
  path: string;
  /** Query pairs, sorted. */
  query: string;
  /** The JSON body with sorted keys, or empty. */
  body: string;
  /** Where the credential travelled: a header name or `query:<name>`. */
  credential: string;
}

export interface HostReplies {
  'seed-pipedrive': number;
  'seed-plannr': number;
  clear: null;
  'restart-windows': null;
  stats: HostStats;
  'reset-stats': null;
  record: null;
  recorded: RecordedRequest[];
  close: null;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries.map(([key, item]) => [key, canonical(item)]));
}

const GOAL_ID = /\/(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=\/|$)/g;

async function describe(request: Request): Promise<RecordedRequest> {
  const url = new URL(request.url);
  const text = await request.text();
  const credential =
    ['x-api-token', 'authorization'].find((name) => request.headers.has(name)) ??
    (url.searchParams.has('api_token') ? 'query:api_token' : 'none');
  url.searchParams.delete('api_token');
  const query = [...url.searchParams].map(([name, value]) => `${name}=${value}`).sort();
  return {
    method: request.method,
    path: url.pathname.replace(GOAL_ID, '/:id'),
    query: query.join('&'),
    body: text === '' ? '' : JSON.stringify(canonical(JSON.parse(text))),
    credential,
  };
}

function seedPipedrive(
  simulator: PipedriveSimulator,
  command: Extract<HostCommand, { type: 'seed-pipedrive' }>,
) {
  const dataset = generatePipedriveDataset({
    goals: command.goals,
    seed: command.seed,
    deals: 0,
    activities: 0,
  });
  for (const user of dataset.users.slice(1)) simulator.addUser(user);
  for (const team of dataset.teams) simulator.addTeam(team);
  const goals = dataset.goals.map((goal) => {
    const currencyId = command.currencyId;
    if (currencyId === undefined || goal.expected_outcome.tracking_metric !== 'sum') return goal;
    const seasonality = goal.seasonality as { currency_id?: number } | undefined;
    return {
      ...goal,
      expected_outcome: { ...goal.expected_outcome, currency_id: currencyId },
      ...(seasonality ? { seasonality: { ...seasonality, currency_id: currencyId } } : {}),
    };
  });
  return simulator.seedGoals(goals).length;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as HostConfig;
  const simulator: PipedriveSimulator | PlannrSimulator =
    config.provider === 'pipedrive'
      ? createPipedriveSimulator({
          ...(config.plan ? { plan: config.plan } : {}),
          ...(config.limits ? { limits: config.limits } : {}),
        })
      : createPlannrSimulator({ rateLimit: config.rateLimit });
  if (config.latency) simulator.faults.setLatency(config.latency);

  let requests = 0;
  let statuses: Record<string, number> = {};
  let recording = false;
  const recorded: RecordedRequest[] = [];

  const server = await serve(async (request) => {
    requests++;
    if (recording) recorded.push(await describe(request.clone()));
    const response = await simulator.handle(request);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    return response;
  });

  const goalCount = () =>
    'goalCount' in simulator ? simulator.goalCount : (simulator as PipedriveSimulator).goals().length;

  const restartWindows = () => {
    if (config.provider === 'pipedrive') (simulator as PipedriveSimulator).setLimits({});
    else (simulator as PlannrSimulator).setRateLimit(config.rateLimit);
    return null;
  };

  const commands: { [K in HostCommand['type']]: (command: Extract<HostCommand, { type: K }>) => unknown } = {
    'seed-pipedrive': (command) => seedPipedrive(simulator as PipedriveSimulator, command),
    'seed-plannr': (command) =>
      (simulator as PlannrSimulator).seedGoals(generatePlannrGoals(command.goals, { seed: command.seed }))
        .length,
    clear: () => {
      if (config.provider === 'pipedrive') (simulator as PipedriveSimulator).clearGoals();
      else (simulator as PlannrSimulator).deleteAllGoals();
      return restartWindows();
    },
    'restart-windows': () => restartWindows(),
    stats: () => ({ requests, statuses, goals: goalCount() }),
    'reset-stats': () => {
      requests = 0;
      statuses = {};
      return null;
    },
    record: (command) => {
      recording = command.on;
      recorded.length = 0;
      return null;
    },
    recorded: () => [...recorded],
    close: () => null,
  };

  process.on('message', (message: { id?: number; command: HostCommand }) => {
    const { id, command } = message;
    try {
      const run = commands[command.type] as (command: HostCommand) => unknown;
      const result = run(command);
      if (id !== undefined) process.send?.({ id, result });
    } catch (error) {
      if (id !== undefined)
        process.send?.({ id, error: error instanceof Error ? error.message : String(error) });
    }
    if (command.type === 'close') void server.close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
  process.send?.({ type: 'ready', url: server.url });
}

await main();
