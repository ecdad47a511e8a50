/**
 * The simulator's account state and the five Goals operations on it, as status + body pairs. Behaviour from
 * the reference: add echoes the input with a new 32-hex id, the caller as `owner_id`, one new report id
 * (§1.6); delete marks the goal deleted, after which find skips it and results/update/delete answer 404
 * (§1.8, INFER); `is_active` is derived from the dates on every read (§1.1 INFER: false once the end is past,
 * by the simulator clock in UTC), unless a seed pins it.
 */
import { setOwnProperty } from '@goalbridge/core';
import { hexId, type Random } from '@goalbridge/core/simulator';
import { planFind } from './pipedrive-simulator-find.ts';
import { computeProgress, type ProgressData } from './pipedrive-simulator-results.ts';
import {
  checkGoal,
  mergeUpdate,
  type RawGoal,
  withoutServerOwned,
} from './pipedrive-simulator-validation.ts';

/** A goal to seed: an add body, optionally with the fields the server owns. */
export interface PipedriveGoalSeed {
  id?: string;
  owner_id?: number;
  report_ids?: string[];
  /** Pins `is_active` instead of deriving it from the dates. */
  is_active?: boolean;
  /** Seeds the goal as already deleted. */
  deleted?: boolean;
  title?: string;
  type: { name: string; params?: Record<string, unknown> };
  assignee: { id: number; type: string };
  interval: string;
  duration: { start: string; end: string | null };
  expected_outcome: { target: number | string; tracking_metric: string; currency_id?: number };
  [extra: string]: unknown;
}

export interface Answer {
  status: number;
  body: unknown;
}

interface StoredGoal {
  goal: RawGoal;
  pinnedActive: boolean | undefined;
  deleted: boolean;
}

export const GOALS_OK = {
  success: true,
  statusCode: 20000,
  statusText: 'OK',
  service: 'statistics-goals-api',
} as const;

/** The generic v1 error envelope (reference §4). */
export function errorBody(message: string): Record<string, unknown> {
  return {
    success: false,
    error: message,
    error_info: 'Please check developers.pipedrive.com',
    data: null,
    additional_data: null,
  };
}

const ORDER = ['id', 'owner_id', 'title', 'type', 'assignee', 'interval', 'duration', 'expected_outcome'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function today(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export class PipedriveGoalStore {
  readonly #goals = new Map<string, StoredGoal>();
  readonly #random: Random;
  readonly #now: () => number;
  readonly #currencies: () => ReadonlySet<number>;

  constructor(random: Random, now: () => number, currencies: () => ReadonlySet<number>) {
    this.#random = random;
    this.#now = now;
    this.#currencies = currencies;
  }

  #isActive(stored: StoredGoal): boolean {
    if (stored.pinnedActive !== undefined) return stored.pinnedActive;
    const end = (stored.goal.duration as { end?: string | null } | undefined)?.end;
    return end === null || end === undefined || end >= today(this.#now());
  }

  /** The goal as the API serves it: documented fields in the spec's order, `is_active` derived, extras last. */
  serve(stored: StoredGoal): RawGoal {
    const served: RawGoal = {};
    for (const key of ORDER)
      if (stored.goal[key] !== undefined) served[key] = structuredClone(stored.goal[key]);
    served.is_active = this.#isActive(stored);
    for (const [key, value] of Object.entries(stored.goal)) {
      if (!Object.hasOwn(served, key)) setOwnProperty(served, key, structuredClone(value));
    }
    return served;
  }

  #live(id: string): StoredGoal | undefined {
    const stored = this.#goals.get(id);
    return stored && !stored.deleted ? stored : undefined;
  }

  #newId(): string {
    let id = hexId(this.#random);
    while (this.#goals.has(id)) id = hexId(this.#random);
    return id;
  }

  add(body: unknown, ownerId: number): Answer {
    if (!isObject(body)) return { status: 400, body: errorBody('The request body must be a JSON object') };
    const checked = checkGoal({ title: '', ...withoutServerOwned(body) }, this.#currencies());
    if (!checked.ok) return { status: 400, body: errorBody(checked.message) };
    const id = this.#newId();
    const stored: StoredGoal = {
      goal: { ...checked.goal, id, owner_id: ownerId, report_ids: [hexId(this.#random)] },
      pinnedActive: undefined,
      deleted: false,
    };
    this.#goals.set(id, stored);
    return { status: 200, body: { ...GOALS_OK, data: { goal: this.serve(stored) } } };
  }

  update(id: string, body: unknown): Answer {
    const stored = this.#live(id);
    if (!stored) return notFound();
    if (!isObject(body)) return { status: 400, body: errorBody('The request body must be a JSON object') };
    const merged = mergeUpdate(stored.goal, body);
    if (typeof merged === 'string') return { status: 400, body: errorBody(merged) };
    const checked = checkGoal(merged, this.#currencies());
    if (!checked.ok) return { status: 400, body: errorBody(checked.message) };
    stored.goal = checked.goal;
    return { status: 200, body: { ...GOALS_OK, data: { goal: this.serve(stored) } } };
  }

  delete(id: string): Answer {
    const stored = this.#live(id);
    if (!stored) return notFound();
    stored.deleted = true;
    return { status: 200, body: { ...GOALS_OK } };
  }

  find(query: URLSearchParams, callerId: number): Answer {
    const plan = planFind(query, callerId);
    if (typeof plan === 'string') return { status: 400, body: errorBody(plan) };
    const goals = [...this.#goals.values()]
      .filter((stored) => !stored.deleted && plan.matches(stored.goal, this.#isActive(stored)))
      .map((stored) => this.serve(stored));
    return { status: 200, body: { ...GOALS_OK, data: { goals } } };
  }

  /** Progress for a period that lies within the goal's duration (reference §1.5). */
  results(id: string, query: URLSearchParams, data: ProgressData): Answer {
    const stored = this.#live(id);
    if (!stored) return notFound();
    const start = query.get('period.start');
    const end = query.get('period.end');
    const bad = (message: string): Answer => ({ status: 400, body: errorBody(message) });
    if (!start) return bad('period.start is required');
    if (!end) return bad('period.end is required');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end))
      return bad('period.start and period.end must be dates as YYYY-MM-DD');
    const duration = stored.goal.duration as { start: string; end: string | null };
    if (start < duration.start)
      return bad('period.start must be the same or after the goal duration start date');
    if (duration.end !== null && end > duration.end)
      return bad('period.end must be the same or before the goal duration end date');
    if (end < start) return bad('period.end must not be before period.start');
    const progress = Number(computeProgress(stored.goal, { start, end }, data));
    return { status: 200, body: { ...GOALS_OK, data: { progress, goal: this.serve(stored) } } };
  }

  /** Inserts goals directly (no API call, no cost); throws on a seed the API would refuse. */
  seed(seeds: readonly PipedriveGoalSeed[], defaultOwnerId: number): RawGoal[] {
    return seeds.map((seed) => {
      const {
        id = this.#newId(),
        owner_id = defaultOwnerId,
        report_ids,
        is_active,
        deleted = false,
        ...body
      } = seed;
      const checked = checkGoal({ title: '', ...body }, this.#currencies());
      if (!checked.ok)
        throw new RangeError(
          `invalid Pipedrive goal seed${seed.id ? ` ${seed.id}` : ''}: ${checked.message}`,
        );
      const stored: StoredGoal = {
        goal: { ...checked.goal, id, owner_id, report_ids: report_ids ?? [hexId(this.#random)] },
        pinnedActive: is_active,
        deleted,
      };
      this.#goals.set(id, stored);
      return this.serve(stored);
    });
  }

  /** Every goal as served, deleted ones only when asked. */
  list(options: { includeDeleted?: boolean } = {}): RawGoal[] {
    return [...this.#goals.values()]
      .filter((stored) => options.includeDeleted || !stored.deleted)
      .map((stored) => this.serve(stored));
  }

  isDeleted(id: string): boolean | undefined {
    return this.#goals.get(id)?.deleted;
  }

  clear(): void {
    this.#goals.clear();
  }
}

function notFound(): Answer {
  return { status: 404, body: errorBody('Goal not found') };
}
