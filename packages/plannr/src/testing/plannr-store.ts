/**
 * The simulator's firm: client accounts, circles and goals, with the queries the list endpoint runs. Kept
 * fast for large volumes: goals stay in `created_at` order (appends are free), and any other order is
 * computed only when asked for.
 */
import { PLANNR_ASSUMPTIONS } from '../plannr-assumptions.ts';
import type { GoalChanges } from './plannr-goal-validation.ts';
import type { AccountRecord, CircleRecord, GoalRecord } from './plannr-resources.ts';

export interface GoalQuery {
  /** `created_at`, `-priority`, ... in order of precedence. */
  sort: readonly string[];
  filters: ReadonlyMap<string, readonly string[]>;
}

const filterNames = PLANNR_ASSUMPTIONS.listQuery.filters;

type SortKey = (goal: GoalRecord) => number | string | null;

const SORT_KEYS: Readonly<Record<string, SortKey>> = {
  created_at: (goal) => goal.createdAt,
  updated_at: (goal) => goal.updatedAt,
  progress: (goal) => goal.progress,
  complete_goal_by: (goal) => goal.completeGoalBy,
  priority: (goal) => goal.priority,
};

/** MySQL order: NULL first ascending, last descending; ties in insertion (primary key) order. */
function compareBy(sort: readonly string[]): (a: GoalRecord, b: GoalRecord) => number {
  const keys = sort.map((field) => {
    const descending = field.startsWith('-');
    return { key: SORT_KEYS[descending ? field.slice(1) : field] as SortKey, sign: descending ? -1 : 1 };
  });
  return (a, b) => {
    for (const { key, sign } of keys) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return a.seq - b.seq;
  };
}

const byCreation = compareBy(['created_at']);

export class PlannrStore {
  readonly accounts = new Map<string, AccountRecord>();
  readonly circles = new Map<string, CircleRecord>();
  readonly #goals = new Map<string, GoalRecord>();
  /** Goals in `created_at` order; may still hold deleted ones, or be out of order, until `all()` tidies it. */
  #ordered: GoalRecord[] = [];
  #sorted = true;
  #deleted = false;
  #sequence = 0;
  /** Every UUID a goal ever had, deleted ones too: a new goal never takes one (an old reference would find it). */
  readonly #used = new Set<string>();

  get size(): number {
    return this.#goals.size;
  }

  goal(uuid: string): GoalRecord | undefined {
    return this.#goals.get(uuid.toLowerCase());
  }

  /** The canonical UUID of a client account (owners must be clients [S1]). */
  clientAccount(uuid: string): string | undefined {
    const account = this.accounts.get(uuid.toLowerCase());
    return account?.type === 'client' ? account.uuid : undefined;
  }

  circle(uuid: string): string | undefined {
    return this.circles.get(uuid.toLowerCase())?.uuid;
  }

  /** Stores a new goal; a UUID in use is a defect of the caller, never a silent replacement. */
  insert(uuid: string, changes: GoalChanges, createdAt: number, updatedAt = createdAt): GoalRecord {
    if (this.goal(uuid)) throw new Error(`goal ${uuid} exists already`);
    this.#used.add(uuid.toLowerCase());
    const goal: GoalRecord = {
      seq: ++this.#sequence,
      uuid: uuid.toLowerCase(),
      createdAt: Math.floor(createdAt / 1000) * 1000,
      updatedAt: Math.floor(updatedAt / 1000) * 1000,
      name: changes.name ?? '',
      description: changes.description ?? null,
      targetAmount: changes.targetAmount ?? null,
      progress: changes.progress ?? null,
      timeframe: changes.timeframe ?? null,
      completeGoalBy: changes.completeGoalBy ?? null,
      priority: changes.priority ?? null,
      accountUuids: changes.accountUuids ?? [],
      shownOnCircles: changes.shownOnCircles ?? PLANNR_ASSUMPTIONS.shownOnCirclesDefault,
      visibleToCirclesUuids: changes.visibleToCirclesUuids ?? [],
    };
    this.#goals.set(goal.uuid, goal);
    const last = this.#ordered.at(-1);
    if (last && byCreation(last, goal) > 0) this.#sorted = false;
    this.#ordered.push(goal);
    return goal;
  }

  /** Applies `changes`; `updated_at` moves only when a value did, as Eloquent touches only a dirty model. */
  update(goal: GoalRecord, changes: GoalChanges, updatedAt: number): GoalRecord {
    const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
    const record = goal as unknown as Record<string, unknown>;
    const dirty = defined.some(([key, value]) => JSON.stringify(record[key]) !== JSON.stringify(value));
    Object.assign(goal, Object.fromEntries(defined));
    if (dirty) goal.updatedAt = Math.floor(updatedAt / 1000) * 1000;
    return goal;
  }

  /** Whether a goal ever had this UUID, in this store's life. */
  used(uuid: string): boolean {
    return this.#used.has(uuid.toLowerCase());
  }

  delete(uuid: string): boolean {
    const goal = this.goal(uuid);
    if (!goal) return false;
    this.#goals.delete(goal.uuid);
    this.#deleted = true;
    return true;
  }

  clear(): void {
    this.#goals.clear();
    this.#ordered = [];
    this.#sorted = true;
    this.#deleted = false;
  }

  /** Every goal in `created_at` order. */
  all(): readonly GoalRecord[] {
    if (this.#deleted) {
      this.#ordered = this.#ordered.filter((goal) => this.#goals.get(goal.uuid) === goal);
      this.#deleted = false;
    }
    if (!this.#sorted) {
      this.#ordered.sort(byCreation);
      this.#sorted = true;
    }
    return this.#ordered;
  }

  /** The goals a list request selects, in its order. */
  query({ sort, filters }: GoalQuery): readonly GoalRecord[] {
    let goals = this.all();
    for (const [name, values] of filters) goals = goals.filter(this.#filter(name, new Set(values)));
    const isDefault = sort.length === 1 && sort[0] === 'created_at';
    return isDefault ? goals : [...goals].sort(compareBy(sort));
  }

  #filter(name: string, values: ReadonlySet<string>): (goal: GoalRecord) => boolean {
    if (name === filterNames.uuid) return (goal) => values.has(goal.uuid);
    if (name === filterNames.accountUuids)
      return (goal) => goal.accountUuids.some((uuid) => values.has(uuid));
    // The circle filter: the goal is visible to one of the circles.
    return (goal) => [...values].some((circle) => this.#visibleTo(goal, circle));
  }

  /** ASSUMPTIONS `circleFilterFollowsVisibility`, `circleFilterNeedsShownFlag`. */
  #visibleTo(goal: GoalRecord, circleUuid: string): boolean {
    const members = this.circles.get(circleUuid)?.accountUuids ?? [];
    const ownedByMember = goal.accountUuids.some((uuid) => members.includes(uuid));
    if (!PLANNR_ASSUMPTIONS.circleFilterFollowsVisibility) return ownedByMember;
    if (PLANNR_ASSUMPTIONS.circleFilterNeedsShownFlag && !goal.shownOnCircles) return false;
    const listed = goal.visibleToCirclesUuids;
    return listed.length > 0 ? listed.includes(circleUuid) : ownedByMember;
  }
}
