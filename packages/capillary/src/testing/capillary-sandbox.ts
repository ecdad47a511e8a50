/**
 * Fixed sandbox credentials a default simulator accepts (both auth kinds), and a seeded generator of
 * realistic target groups and customers for demos and benchmarks.
 */
import { addDays, addMonths, type IsoDate } from '@goalbridge/core';
import { createRandom, pick, type Random, randomInt } from '@goalbridge/core/simulator';
import { type CapillaryTargetGroupRequest, EXPRESSION_JSON_TRUE, EXPRESSION_TRUE } from '../capillary-api.ts';
import { CAPILLARY_CLUSTERS } from '../capillary-options.ts';
import { periodEndDateTime, periodStartDateTime } from '../capillary-schedule.ts';

/** Credentials and org of the built-in sandbox; pass `basic` or `oauth` as the adapter's `auth`. */
export const CAPILLARY_SANDBOX = {
  cluster: 'eu',
  origin: CAPILLARY_CLUSTERS.eu,
  orgId: 100737,
  till: { id: 75155297, code: 'goalbridge.sandbox.till' },
  basic: { type: 'basic', username: 'goalbridge.sandbox.till', password: 'sandbox-till-password' },
  oauth: { type: 'oauth', key: 'goalbridge-sandbox-key', secret: 'goalbridge-sandbox-secret' },
} as const;

export interface SandboxCustomer {
  id: number;
  firstName: string;
  lastName: string;
  mobile: string;
}

const FIRST_NAMES = [
  'Asha',
  'Tom',
  'Mei',
  'Lukas',
  'Priya',
  'Sofia',
  'Arjun',
  'Hannah',
  'Kofi',
  'Elena',
  'Ravi',
  'Noah',
];
const LAST_NAMES = [
  'Sawyer',
  'Menon',
  'Lindqvist',
  'Okafor',
  'Rossi',
  'Tanaka',
  'Iyer',
  'Schmidt',
  'Novak',
  'Costa',
];

/** `count` customers with stable ids (from 564332001), names and mobile numbers. */
export function generateCapillaryCustomers(count: number, seed = 1): SandboxCustomer[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index) => ({
    id: 564332001 + index,
    firstName: pick(random, FIRST_NAMES),
    lastName: pick(random, LAST_NAMES),
    mobile: `9199${String(randomInt(random, 0, 99_999_999)).padStart(8, '0')}`,
  }));
}

interface TargetTemplate {
  targetEntity: string;
  targetType: string;
  eventName: string;
  expression?: string;
  expressionJson?: string;
  filters: { entityType: string; entityIds: number[] }[];
  enrolmentMethod: string;
}

interface Template {
  name: string;
  trackingType: string;
  frequencyType: 'WEEKLY' | 'MONTHLY' | 'QUARTERLY' | 'YEARLY';
  cycles: [number, number];
  targets: (random: Random) => TargetTemplate[];
  value: (random: Random) => string;
  streaks?: boolean;
}

const transactional =
  (targetType: string, entity = 'TRANSACTION') =>
  (): TargetTemplate[] => [
    {
      targetEntity: entity,
      targetType,
      eventName: 'TransactionAdd',
      expression: EXPRESSION_TRUE,
      expressionJson: EXPRESSION_JSON_TRUE,
      filters: [],
      enrolmentMethod: 'TRANSACTION',
    },
  ];

const TEMPLATES: readonly Template[] = [
  {
    name: 'Spend',
    trackingType: 'DEFAULT',
    frequencyType: 'MONTHLY',
    cycles: [3, 12],
    targets: transactional('SALES'),
    value: (r) => `${randomInt(r, 10, 200) * 50}`,
  },
  {
    name: 'Gross spend',
    trackingType: 'DEFAULT',
    frequencyType: 'QUARTERLY',
    cycles: [2, 4],
    targets: transactional('GROSS_SALES'),
    value: (r) => `${randomInt(r, 20, 400) * 100}.5`,
  },
  {
    name: 'Store visits',
    trackingType: 'DEFAULT',
    frequencyType: 'WEEKLY',
    cycles: [4, 26],
    targets: transactional('VISIT'),
    value: (r) => `${randomInt(r, 1, 5)}`,
  },
  {
    name: 'Bills',
    trackingType: 'DEFAULT',
    frequencyType: 'MONTHLY',
    cycles: [6, 12],
    targets: transactional('COUNT'),
    value: (r) => `${randomInt(r, 2, 12)}`,
  },
  {
    name: 'Units bought',
    trackingType: 'DEFAULT',
    frequencyType: 'MONTHLY',
    cycles: [3, 6],
    targets: transactional('QUANTITY', 'LINEITEM'),
    value: (r) => `${randomInt(r, 5, 60)}`,
  },
  {
    name: 'Annual spend',
    trackingType: 'DEFAULT',
    frequencyType: 'YEARLY',
    cycles: [1, 3],
    targets: transactional('SALES'),
    value: (r) => `${randomInt(r, 5, 50) * 1000}`,
  },
  {
    name: 'Big-basket streak',
    trackingType: 'STREAKS',
    frequencyType: 'MONTHLY',
    cycles: [3, 6],
    streaks: true,
    targets: (random) => [
      {
        targetEntity: 'TRANSACTION',
        targetType: 'SALES',
        eventName: 'TransactionAdd',
        expression: `currentTxn.value>${randomInt(random, 2, 9) * 100}`,
        expressionJson: EXPRESSION_JSON_TRUE,
        filters: [{ entityType: 'STORE', entityIds: [50679757, 50679770] }],
        enrolmentMethod: 'TRANSACTION',
      },
    ],
    value: (r) => `${randomInt(r, 1, 4) * 500}`,
  },
  {
    name: 'App check-ins',
    trackingType: 'DEFAULT',
    frequencyType: 'WEEKLY',
    cycles: [4, 12],
    targets: () => [
      {
        targetEntity: 'EVENT',
        targetType: 'COUNT',
        eventName: 'AppCheckIn',
        expression: EXPRESSION_TRUE,
        expressionJson: EXPRESSION_JSON_TRUE,
        filters: [],
        enrolmentMethod: 'IMPORT',
      },
    ],
    value: (r) => `${randomInt(r, 1, 7)}`,
  },
  {
    name: 'Points earned',
    trackingType: 'CAPPING',
    frequencyType: 'MONTHLY',
    cycles: [3, 12],
    targets: () => [
      {
        targetEntity: 'POINTS',
        targetType: 'REGULAR_POINTS',
        eventName: 'TransactionAdd',
        filters: [],
        enrolmentMethod: 'TRANSACTION',
      },
    ],
    value: (r) => `${randomInt(r, 1, 20) * 100}`,
  },
  {
    name: 'Spend and visit',
    trackingType: 'UNIFIED',
    frequencyType: 'MONTHLY',
    cycles: [3, 6],
    targets: () => [...transactional('SALES')(), ...transactional('VISIT')()],
    value: (r) => `${randomInt(r, 4, 40) * 100}`,
  },
];

const STEP_MONTHS = { MONTHLY: 1, QUARTERLY: 3, YEARLY: 12 } as const;

function cycles(start: IsoDate, frequencyType: Template['frequencyType'], count: number) {
  return Array.from({ length: count }, (_, index) => {
    if (frequencyType === 'WEEKLY')
      return { start: addDays(start, index * 7), end: addDays(start, index * 7 + 6) };
    const months = STEP_MONTHS[frequencyType];
    return {
      start: addMonths(start, index * months),
      end: addDays(addMonths(start, (index + 1) * months), -1),
    };
  });
}

export interface GenerateOptions {
  count: number;
  seed?: number;
  /** Groups start within a year before or after this date. Default 2026-01-01. */
  around?: IsoDate;
}

/** `count` varied create requests (sales, visits, events, points, streaks, unified) with unique names. */
export function generateCapillaryTargetGroups(options: GenerateOptions): CapillaryTargetGroupRequest[] {
  const random = createRandom(options.seed ?? 1);
  const around = options.around ?? '2026-01-01';
  return Array.from({ length: options.count }, (_, index) => {
    const template = pick(random, TEMPLATES);
    const count = randomInt(random, template.cycles[0], template.cycles[1]);
    const start = addMonths(`${around.slice(0, 7)}-01`, randomInt(random, -12, 12));
    const windows = cycles(start, template.frequencyType, count);
    const label = `${template.name} ${index + 1}`;
    const targets = template.targets(random).map((target, position) => {
      const value = template.value(random);
      return {
        ...target,
        name: position === 0 ? label : `${label} part ${position + 1}`,
        description: '',
        active: true,
        defaultValues: windows.map(() => ({ defaultValue: value })),
      };
    });
    return {
      name: label,
      description: `${template.name}: ${count} ${template.frequencyType.toLowerCase()} cycles`,
      active: random() > 0.1,
      preferredTillId: CAPILLARY_SANDBOX.till.id,
      trackingType: template.trackingType,
      targetEvaluationType: 'FIXED_CALENDAR_WINDOW',
      totalPeriods: count,
      frequencyType: template.frequencyType,
      frequency: 1,
      recurringCycles: count,
      userCreated: false,
      leaderboardEnabled: false,
      periods: windows.map((window, position) => ({
        startDate: periodStartDateTime(window.start),
        endDate: periodEndDateTime(window.end),
        refCode: `Cycle_${position + 1}`,
        description: '',
        active: true,
      })),
      targets,
      ...(template.trackingType === 'UNIFIED' ? { combinationType: 'ALL' } : {}),
      ...(template.streaks
        ? {
            streaks: [
              { name: `${label} x2`, targetCountOfSequence: 2 },
              { name: `${label} x3`, targetCountOfSequence: 3 },
            ],
          }
        : {}),
    };
  });
}
