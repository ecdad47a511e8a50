/**
 * What the target already holds, indexed by id and by natural key. Target goals that the ID map assigns to a
 * source goal are claimed, so the natural key can never hand the same target goal to two source goals;
 * identical goals are paired in id order.
 */
import type { GoalAdapter } from '../adapter/contract.ts';
import { type Goal, toGoalInput } from '../model/goal.ts';
import type { IdMapEntry } from './id-map.ts';
import type { NaturalKeyFunction } from './natural-key.ts';
import type { MatchKind } from './plan.ts';

export interface TargetMatch {
  goal: Goal;
  by: MatchKind;
}

export interface TargetIndex {
  /** The target goal for a source goal: its ID-map entry when it still exists, else an unclaimed goal with its key. */
  match(entry: IdMapEntry | undefined, key: string): TargetMatch | undefined;
  /** Marks a target goal as taken (e.g. just created). */
  claim(id: string): void;
  readonly size: number;
}

export async function readTargetIndex(
  target: GoalAdapter,
  keyOf: NaturalKeyFunction,
  mapped: readonly IdMapEntry[],
  signal?: AbortSignal,
): Promise<TargetIndex> {
  const byId = new Map<string, Goal>();
  const byKey = new Map<string, Goal[]>();
  if (target.capabilities.operations.includes('list')) {
    for await (const goal of target.list({ signal })) {
      byId.set(goal.id, goal);
      const key = keyOf(toGoalInput(goal));
      const list = byKey.get(key);
      if (list) list.push(goal);
      else byKey.set(key, [goal]);
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const claimed = new Set(
    mapped.flatMap((entry) => (entry.state === 'done' && entry.targetId ? [entry.targetId] : [])),
  );

  return {
    get size() {
      return byId.size;
    },
    claim(id) {
      claimed.add(id);
    },
    match(entry, key) {
      if (entry?.state === 'done' && entry.targetId) {
        const goal = byId.get(entry.targetId);
        if (goal) return { goal, by: 'id-map' };
      }
      const goal = byKey.get(key)?.find((candidate) => !claimed.has(candidate.id));
      if (!goal) return undefined;
      claimed.add(goal.id);
      return { goal, by: 'natural-key' };
    },
  };
}
