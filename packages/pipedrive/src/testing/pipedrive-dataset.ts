/**
 * A seeded, realistic sandbox account for demos and benchmarks: users and teams, a few hundred goals of every
 * type, assignee kind, interval, quantity and sum (in several currencies, some open-ended, some past, a few
 * with `seasonality` or without a title), and the deals and activities their results are computed from.
 * The same seed and `today` give the same account.
 */
import { addDays, addMonths, todayUtc } from '@goalbridge/core';
import { createRandom, pick, type Random, randomInt } from '@goalbridge/core/simulator';
import { PIPEDRIVE_GOAL_TYPES, PIPEDRIVE_INTERVALS, type PipedriveInterval } from '../pipedrive-api.ts';
import {
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulatorTeam,
  type PipedriveSimulatorUser,
  SANDBOX_ACTIVITY_TYPES,
  SANDBOX_PIPELINES,
  SANDBOX_USER,
} from './pipedrive-sandbox.ts';
import type { PipedriveSimulatorActivity, PipedriveSimulatorDeal } from './pipedrive-simulator-results.ts';
import type { PipedriveGoalSeed } from './pipedrive-simulator-store.ts';

export interface PipedriveDataset {
  users: PipedriveSimulatorUser[];
  teams: PipedriveSimulatorTeam[];
  goals: PipedriveGoalSeed[];
  deals: PipedriveSimulatorDeal[];
  activities: PipedriveSimulatorActivity[];
}

export interface PipedriveDatasetOptions {
  seed?: number;
  /** Number of goals. Default 300. */
  goals?: number;
  /** Number of deals. Default 600. */
  deals?: number;
  /** Number of activities. Default 1500. */
  activities?: number;
  /** The date the account is generated around (YYYY-MM-DD). Default today (UTC). */
  today?: string;
}

const PEOPLE = [
  'Maria Lopez',
  'Sam Carter',
  'Aiko Tanaka',
  'Jonas Berg',
  'Priya Nair',
  'Lukas Meier',
  'Chloé Martin',
  'Tomás Silva',
  'Grace Okafor',
  'Erik Lindqvist',
  'Hannah Novak',
];
const TEAM_NAMES = ['EMEA Sales', 'North America', 'Partnerships', 'Renewals'];
/** Currency ids of the sandbox table, weighted: EUR, USD, GBP, then the rest. */
const CURRENCY_WEIGHTS: readonly [number, number][] = [
  [1, 45],
  [2, 30],
  [3, 12],
  [4, 4],
  [5, 3],
  [6, 2],
  [7, 2],
  [10, 2],
];
const TYPE_LABELS: Record<string, string> = {
  deals_won: 'deals won',
  deals_progressed: 'deals progressed',
  activities_completed: 'activities completed',
  activities_added: 'activities added',
  deals_started: 'new deals',
  revenue_forecast: 'revenue forecast',
};
const MONTHS_PER_INTERVAL: Record<PipedriveInterval, number> = {
  weekly: 1,
  monthly: 1,
  quarterly: 3,
  yearly: 12,
};

function weighted<T>(random: Random, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (options.at(-1) as readonly [T, number])[0];
}

function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0)
    chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  return chosen;
}

function periodLabel(start: string, interval: PipedriveInterval): string {
  const [year, month] = start.split('-').map(Number) as [number, number];
  if (interval === 'yearly') return String(year);
  if (interval === 'quarterly') return `Q${Math.floor((month - 1) / 3) + 1} ${year}`;
  return new Date(`${start}T00:00:00Z`).toLocaleString('en', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

function money(random: Random, min: number, max: number): string {
  const whole = randomInt(random, min, max);
  return random() < 0.3
    ? `${whole}.${String(randomInt(random, 1, 99)).padStart(2, '0')}`
    : String(whole * 100);
}

function makeGoal(
  random: Random,
  today: string,
  users: PipedriveSimulatorUser[],
  teams: PipedriveSimulatorTeam[],
): PipedriveGoalSeed {
  const name = pick(random, PIPEDRIVE_GOAL_TYPES);
  const interval = weighted(
    random,
    PIPEDRIVE_INTERVALS.map((value, index) => [value, [15, 45, 30, 10][index] as number] as const),
  );
  const assigneeKind = weighted(random, [
    ['person', 60],
    ['team', 25],
    ['company', 15],
  ] as const);
  const user = pick(random, users);
  const team = pick(random, teams);
  const assignee =
    assigneeKind === 'person'
      ? { id: user.id, type: 'person' }
      : assigneeKind === 'team'
        ? { id: team.id, type: 'team' }
        : { id: PIPEDRIVE_SANDBOX.companyId, type: 'company' };
  const who =
    assigneeKind === 'person' ? user.name : assigneeKind === 'team' ? `Team ${team.name}` : 'Company';

  const activity = name === 'activities_completed' || name === 'activities_added';
  const sum = !activity && random() < 0.55;
  const currencyId = weighted(random, CURRENCY_WEIGHTS);
  const target = sum
    ? money(random, 50, 5000)
    : String(randomInt(random, 3, interval === 'weekly' ? 40 : 250));

  const params: Record<string, unknown> = {};
  if (!activity) {
    params.pipeline_id =
      random() < 0.4 ? null : sample(random, SANDBOX_PIPELINES, randomInt(random, 1, 2)).map((p) => p.id);
  }
  if (name === 'deals_progressed') {
    const pipeline = pick(random, SANDBOX_PIPELINES);
    params.pipeline_id = [pipeline.id];
    params.stage_id = pick(random, pipeline.stageIds.slice(1));
  }
  if (activity) {
    params.activity_type_id =
      random() < 0.35
        ? null
        : sample(random, SANDBOX_ACTIVITY_TYPES, randomInt(random, 1, 3)).map((type) => type.id);
  }

  const start = monthStart(addMonths(today, randomInt(random, -24, 4)));
  const length = MONTHS_PER_INTERVAL[interval] * randomInt(random, 1, interval === 'yearly' ? 2 : 4);
  const end = random() < 0.15 ? null : addDays(addMonths(start, length), -1);
  const seasonality =
    sum && random() < 0.05
      ? {
          seasonality: {
            currency_id: currencyId,
            tracking_metric: 'sum',
            intervals: [0, 1, 2].map((step) => ({
              start: addMonths(start, step),
              end: addDays(addMonths(start, step + 1), -1),
              target: Number(target) / 3,
            })),
          },
        }
      : {};
  const label = sum
    ? name === 'revenue_forecast'
      ? 'revenue forecast'
      : `${TYPE_LABELS[name]} revenue`
    : TYPE_LABELS[name];
  const untitled = random() < 0.01;
  return {
    ...(untitled ? {} : { title: `${periodLabel(start, interval)} ${label} — ${who}` }),
    owner_id: assigneeKind === 'person' && random() < 0.5 ? user.id : PIPEDRIVE_SANDBOX.userId,
    type: { name, params },
    assignee,
    interval,
    duration: { start, end },
    expected_outcome: {
      target: Number.isSafeInteger(Number(target)) ? Number(target) : target,
      tracking_metric: sum ? 'sum' : 'quantity',
      ...(sum ? { currency_id: currencyId } : {}),
    },
    ...seasonality,
  };
}

function makeDeal(
  random: Random,
  id: number,
  today: string,
  users: PipedriveSimulatorUser[],
): PipedriveSimulatorDeal {
  const pipeline = pick(random, SANDBOX_PIPELINES);
  const addTime = addDays(today, -randomInt(random, 0, 730));
  const status = weighted(random, [
    ['won', 35],
    ['open', 45],
    ['lost', 20],
  ] as const);
  const stagesReached = randomInt(random, 1, pipeline.stageIds.length);
  let moved = addTime;
  const stageChanges = pipeline.stageIds.slice(1, stagesReached).map((stageId) => {
    moved = addDays(moved, randomInt(random, 1, 25));
    return { stageId, date: moved };
  });
  return {
    id,
    userId: pick(random, users).id,
    pipelineId: pipeline.id,
    stageId: pipeline.stageIds[stagesReached - 1] as number,
    status,
    value: money(random, 5, 900),
    currencyId: weighted(random, CURRENCY_WEIGHTS),
    addTime,
    ...(status === 'won' ? { wonTime: addDays(moved, randomInt(random, 1, 30)) } : {}),
    ...(status === 'open' ? { expectedCloseDate: addDays(today, randomInt(random, -30, 240)) } : {}),
    stageChanges,
  };
}

function makeActivity(
  random: Random,
  id: number,
  today: string,
  users: PipedriveSimulatorUser[],
): PipedriveSimulatorActivity {
  const addTime = addDays(today, -randomInt(random, 0, 730));
  const done = random() < 0.7;
  return {
    id,
    userId: pick(random, users).id,
    typeId: pick(random, SANDBOX_ACTIVITY_TYPES).id,
    addTime,
    done,
    ...(done ? { doneTime: addDays(addTime, randomInt(random, 0, 14)) } : {}),
  };
}

/** A generated sandbox account; its first user is the sandbox user, so `PIPEDRIVE_SANDBOX` works against it. */
export function generatePipedriveDataset(options: PipedriveDatasetOptions = {}): PipedriveDataset {
  const random = createRandom(options.seed ?? 1);
  const today = options.today ?? todayUtc();
  const users: PipedriveSimulatorUser[] = [
    SANDBOX_USER,
    ...PEOPLE.map((name, index) => ({
      id: index + 2,
      name,
      apiToken: `sandbox-user-${index + 2}-api-token`,
    })),
  ];
  const teams = TEAM_NAMES.map((name, index) => ({
    id: index + 1,
    name,
    userIds: sample(random, users, randomInt(random, 2, 5)).map((user) => user.id),
  }));
  return {
    users,
    teams,
    goals: Array.from({ length: options.goals ?? 300 }, () => makeGoal(random, today, users, teams)),
    deals: Array.from({ length: options.deals ?? 600 }, (_, index) =>
      makeDeal(random, index + 1, today, users),
    ),
    activities: Array.from({ length: options.activities ?? 1500 }, (_, index) =>
      makeActivity(random, index + 1, today, users),
    ),
  };
}
