/**
 * A complete in-memory adapter: the default for demos and dry runs, and a stand-in for users' own tests.
 * It stores Goals as given (every field writable), pages like a real API and counts its operations.
 */
import type { AdapterCapabilities, GoalAdapter, Operation } from '../adapter/contract.ts';
import { OPERATIONS } from '../adapter/contract.ts';
import { createGoalAdapter } from '../adapter/create-goal-adapter.ts';
import { NotFoundError } from '../errors.ts';
import { GOAL_FIELDS, type Goal, type GoalInputDraft, GoalInputSchema, GoalSchema } from '../model/goal.ts';
import { parseOrThrow } from '../model/validate.ts';

export interface MemoryAdapterOptions {
  /** Provider name reported on goals. Default `memory`. */
  provider?: string;
  /** Goals present at start. */
  goals?: readonly GoalInputDraft[];
  /** Operations to offer; the rest throw UnsupportedError. Default: all. */
  operations?: readonly Operation[];
  /** Items per page when listing. Default 50. */
  pageSize?: number;
  /** Id for the n-th created goal (1-based). Default `mem-<n>`. */
  createId?: (sequence: number) => string;
  /** Clock for createdAt/updatedAt. */
  now?: () => number;
}

export interface MemoryAdapter extends GoalAdapter {
  /** Stored goals in insertion order. */
  goals(): Goal[];
  /** How many operations reached the store (validation failures never do). */
  readonly operationCount: number;
}

export function createMemoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  const provider = options.provider ?? 'memory';
  const store = new Map<string, Goal>();
  const now = options.now ?? Date.now;
  const defaultPageSize = options.pageSize ?? 50;
  let sequence = 0;
  let operationCount = 0;

  const capabilities: AdapterCapabilities = {
    operations: options.operations ?? OPERATIONS,
    fields: {
      readable: GOAL_FIELDS,
      writable: GOAL_FIELDS.filter((f) => f !== 'createdAt' && f !== 'updatedAt'),
    },
    rateLimits: [],
    pagination: { kind: 'page', maxPageSize: 1000 },
    measureKinds: ['count', 'money'],
    ownerTypes: ['person', 'team', 'company', 'account', 'customer'],
  };

  function find(id: string): Goal {
    const goal = store.get(id);
    if (!goal) throw new NotFoundError(`${provider} goal ${id} not found`, { provider, status: 404 });
    return goal;
  }

  function touch(): string {
    operationCount++;
    return new Date(now()).toISOString();
  }

  function insert(input: GoalInputDraft): Goal {
    const parsed = parseOrThrow(GoalInputSchema, input, { subject: 'goal', provider });
    const timestamp = touch();
    sequence++;
    const id = options.createId?.(sequence) ?? `mem-${sequence}`;
    const goal: Goal = structuredClone({
      ...parsed,
      id,
      provider,
      createdAt: timestamp,
      updatedAt: timestamp,
    });
    store.set(id, goal);
    return structuredClone(goal);
  }

  for (const goal of options.goals ?? []) insert(goal);
  operationCount = 0;

  const adapter = createGoalAdapter({
    provider,
    capabilities,

    async *list(listOptions) {
      const pageSize = listOptions.pageSize ?? defaultPageSize;
      // Ids are fixed when listing starts, so goals edited meanwhile are neither repeated nor skipped.
      const ids = [...store.keys()];
      for (let offset = 0; offset < ids.length; offset += pageSize) {
        listOptions.signal?.throwIfAborted();
        touch();
        const page = ids.slice(offset, offset + pageSize).flatMap((id) => {
          const goal = store.get(id);
          return goal ? [structuredClone(goal)] : [];
        });
        await Promise.resolve();
        yield* page;
      }
    },

    async get(id) {
      touch();
      return structuredClone(find(id));
    },

    async create(input) {
      return { goal: insert(input), warnings: [] };
    },

    async update(id, patch) {
      const timestamp = touch();
      const current = find(id);
      const merged = { ...current, ...patch, updatedAt: timestamp };
      const updated = structuredClone(parseOrThrow(GoalSchema, merged, { subject: 'goal update', provider }));
      store.set(id, updated);
      return { goal: structuredClone(updated), warnings: [] };
    },

    async delete(id) {
      touch();
      find(id);
      store.delete(id);
    },

    async progress(id) {
      touch();
      return structuredClone(find(id).progress ?? {});
    },
  });

  return {
    ...adapter,
    goals: () => [...store.values()].map((goal) => structuredClone(goal)),
    get operationCount() {
      return operationCount;
    },
  };
}
