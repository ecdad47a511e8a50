/**
 * Seeded, realistic Plannr goals — an adviser's clients saving for houses, retirements and school fees — for
 * demos (a few hundred) and benchmarks (100 000 and more; generation is plain arithmetic, no validation).
 */
import { createRandom, pick, type Random, randomInt, uuidV4 } from '@goalbridge/core/simulator';
import { PLANNR_SANDBOX, type PlannrClientRole, type PlannrSandboxAccount } from './plannr-sandbox.ts';

/** A goal to seed: the write fields plus the server-owned ones. Money in pennies. */
export interface PlannrGoalSeed {
  uuid?: string;
  /** Epoch milliseconds or an ISO datetime. Default: the simulator clock. */
  createdAt?: number | string;
  updatedAt?: number | string;
  name: string;
  description?: string | null;
  /** Minor units (pennies), as an integer or digit string. */
  targetAmount?: number | string | null;
  progress?: number | null;
  timeframe?: string | null;
  /** `YYYY-MM-DD`. */
  completeGoalBy?: string | null;
  priority?: number | null;
  accountUuids: readonly string[];
  shownOnCircles?: boolean;
  visibleToCirclesUuids?: readonly string[];
}

export interface GeneratePlannrGoalsOptions {
  seed?: number;
  /** Owners to choose from. Default: the sandbox's client accounts. */
  clientAccountUuids?: readonly string[];
  /** Circles to choose from. Default: the sandbox's. */
  circleUuids?: readonly string[];
  /** The newest goal's creation time; older ones are spread back from it. Default: now. */
  now?: number;
}

const GOALS: readonly { name: string; description: string; pounds: [number, number] }[] = [
  {
    name: 'Retirement income',
    description: 'Secure a comfortable income from age 60.',
    pounds: [150_000, 900_000],
  },
  { name: 'House deposit', description: 'Save a 10% deposit for a first home.', pounds: [15_000, 80_000] },
  {
    name: 'Pay off the mortgage',
    description: 'Clear the remaining mortgage early.',
    pounds: [40_000, 300_000],
  },
  {
    name: 'Emergency fund',
    description: 'Six months of outgoings in easy-access savings.',
    pounds: [5_000, 30_000],
  },
  {
    name: "Children's university fund",
    description: 'Cover tuition and living costs.',
    pounds: [20_000, 90_000],
  },
  { name: 'School fees', description: 'Independent school fees from Year 7.', pounds: [60_000, 250_000] },
  { name: 'Holiday home', description: 'Buy a cottage in Cornwall.', pounds: [120_000, 450_000] },
  {
    name: 'Inheritance tax planning',
    description: 'Reduce the estate below the nil-rate band.',
    pounds: [100_000, 1_000_000],
  },
  { name: 'Reduced Mileage', description: 'Reduce the amount of gas spent yearly.', pounds: [40, 2_000] },
  { name: 'Wedding', description: 'Pay for the wedding without borrowing.', pounds: [8_000, 40_000] },
  { name: 'Career break', description: 'A year off to travel.', pounds: [15_000, 60_000] },
  { name: 'Care costs', description: 'Provision for later-life care.', pounds: [50_000, 400_000] },
];

const TIMEFRAMES = [
  'Within the year.',
  '1–3 years',
  '3–5 years',
  '5–10 years',
  'By retirement',
  'Long term',
  null,
];
const DAY_MS = 86_400_000;

function dateAfter(ms: number, days: number): string {
  return new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
}

function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(pick(random, items));
  return [...chosen];
}

/** `count` varied goals, the same for the same seed; creation times ascend, a few hours apart. */
export function generatePlannrGoals(
  count: number,
  options: GeneratePlannrGoalsOptions = {},
): PlannrGoalSeed[] {
  const random = createRandom(options.seed ?? 1);
  const owners = options.clientAccountUuids ?? PLANNR_SANDBOX.clientAccounts.map((account) => account.uuid);
  const circles = options.circleUuids ?? PLANNR_SANDBOX.circles.map((circle) => circle.uuid);
  const now = Math.floor((options.now ?? Date.now()) / 1000) * 1000;
  const spacing = 3 * 3_600_000;
  const goals: PlannrGoalSeed[] = [];
  for (let index = 0; index < count; index++) {
    const kind = pick(random, GOALS);
    const createdAt = now - (count - index) * spacing;
    const pennies =
      randomInt(random, kind.pounds[0], kind.pounds[1]) * 100 +
      (random() < 0.2 ? randomInt(random, 1, 99) : 0);
    const roll = random();
    goals.push({
      uuid: uuidV4(random),
      createdAt,
      // Edited up to 30 days after it was created, but never after now: no real API answers from the future.
      updatedAt: Math.min(createdAt + randomInt(random, 0, 30) * DAY_MS, now),
      name: random() < 0.3 ? `${kind.name} ${index + 1}` : kind.name,
      description: roll < 0.85 ? kind.description : null,
      targetAmount: roll < 0.95 ? pennies : null,
      progress: roll < 0.9 ? randomInt(random, 0, 100) : null,
      timeframe: pick(random, TIMEFRAMES),
      completeGoalBy: roll < 0.8 ? dateAfter(createdAt, randomInt(random, 90, 365 * 25)) : null,
      priority: roll < 0.9 ? randomInt(random, 1, 5) : null,
      accountUuids: sample(random, owners, random() < 0.8 ? 1 : 2),
      shownOnCircles: random() < 0.4,
      visibleToCirclesUuids: random() < 0.25 ? sample(random, circles, 1) : [],
    });
  }
  return goals;
}

const FIRST_NAMES = [
  'Olivia',
  'George',
  'Amelia',
  'Harry',
  'Isla',
  'Noah',
  'Ava',
  'Jack',
  'Mia',
  'Leo',
  'Freya',
  'Arthur',
];
const LAST_NAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Evans',
  'Khan',
  'Walker',
  'Wright',
];
const ROLES: readonly PlannrClientRole[] = [
  'individual',
  'individual',
  'individual',
  'joint',
  'trust',
  'business',
];

/** `count` more client accounts (for owner maps larger than the sandbox's), the same for the same seed. */
export function generatePlannrClientAccounts(count: number, seed = 1): PlannrSandboxAccount[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const firstName = pick(random, FIRST_NAMES);
    const lastName = pick(random, LAST_NAMES);
    return {
      uuid: uuidV4(random),
      firstName,
      lastName,
      role: pick(random, ROLES),
      email: `${firstName}.${lastName}.${index + 1}@example.co.uk`.toLowerCase(),
    };
  });
}
