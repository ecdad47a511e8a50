/**
 * What the target already holds, indexed by id, by natural key and by title. Target goals that the ID map
 * assigns to a source goal are claimed, so the natural key can never hand one target goal to two source goals.
 * Among candidates with the same key, one whose stored fields equal the planned input wins; otherwise the
 * first unclaimed one (in id order) is taken as an earlier version of the goal, to be updated.
 */
import type { GoalAdapter } from '../adapter/contract.ts';
import { type Goal, toGoalInput } from '../model/goal.ts';
import type { IdMapEntry } from './id-map.ts';
import { type NaturalKeyFunction, normalizeTitle } from './natural-key.ts';
import type { MatchKind } from './plan.ts';

export interface TargetMatch {
  goal: Goal;
  by: MatchKind;
}

export interface TargetIndex {
  /**
   * The target goal for a source goal: its ID-map entry if it still exists, else an unclaimed goal with its key
   * (or with the key of a create still pending from a stopped run, which may have landed before a rename).
   */
  match(entry: IdMapEntry | undefined, key: string, same: (goal: Goal) => boolean): TargetMatch | undefined;
  /** Marks a target goal as taken (e.g. just created). */
  claim(id: string): void;
  /** Whether a target goal is taken: by the ID map, a match, or a {@link claim}. */
  isClaimed(id: string): boolean;
  /**
   * Whether the target goal an ID-map entry named when the target was read is gone from it (deleted there).
   * Never for a goal created since, nor when the target cannot be listed.
   */
  isGone(id: string): boolean;
  /** Whether a goal in the target, or one already planned, has this title (compared normalized). */
  titleTaken(title: string): boolean;
  /** Reserves a title for a planned create or update. */
  reserveTitle(title: string): void;
  readonly size: number;
}

const byId = (a: Goal, b: Goal) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export async function readTargetIndex(
  target: GoalAdapter,
  keyOf: NaturalKeyFunction,
  mapped: readonly IdMapEntry[],
  signal?: AbortSignal,
): Promise<TargetIndex> {
  const goals = new Map<string, Goal>();
  const byKey = new Map<string, Goal[]>();
  const titles = new Set<string>();
  const listed = target.capabilities.operations.includes('list');
  if (listed) {
    for await (const goal of target.list({ signal })) {
      goals.set(goal.id, goal);
      titles.add(normalizeTitle(goal.title));
      const key = keyOf(toGoalInput(goal));
      const list = byKey.get(key);
      if (list) list.push(goal);
      else byKey.set(key, [goal]);
    }
  }
  for (const list of byKey.values()) list.sort(byId);
  const mappedIds = mapped.flatMap((entry) =>
    entry.state === 'done' && entry.targetId ? [entry.targetId] : [],
  );
  const claimed = new Set(mappedIds);
  const gone = new Set(listed ? mappedIds.filter((id) => !goals.has(id)) : []);

  return {
    isGone: (id) => gone.has(id),
    get size() {
      return goals.size;
    },
    claim(id) {
      claimed.add(id);
    },
    isClaimed: (id) => claimed.has(id),
    titleTaken: (title) => titles.has(normalizeTitle(title)),
    reserveTitle(title) {
      titles.add(normalizeTitle(title));
    },
    match(entry, key, same) {
      if (entry?.state === 'done' && entry.targetId) {
        const goal = goals.get(entry.targetId);
        if (goal) return { goal, by: 'id-map' };
      }
      // A create a stopped run left pending may have landed under the key the goal had then: that goal is
      // this source's, first in line (one that was there before would have been matched, not created).
      const earlierKey = entry?.state === 'pending' && entry.key !== key ? entry.key : undefined;
      const candidates = [...(earlierKey ? (byKey.get(earlierKey) ?? []) : []), ...(byKey.get(key) ?? [])];
      const free = candidates.filter((candidate) => !claimed.has(candidate.id));
      const goal = free.find(same) ?? free[0];
      if (!goal) return undefined;
      claimed.add(goal.id);
      return { goal, by: 'natural-key' };
    },
  };
}
