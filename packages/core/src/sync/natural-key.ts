/**
 * The natural key: how a source goal is recognised in a target that has no ID-map entry for it — a target
 * filled before goalbridge ran, or a create whose answer was lost. It is deliberately coarse, built from what
 * every provider keeps as given: the title (trimmed, case-folded, inner whitespace collapsed) and, where the
 * target stores them, the owners (sorted `type:id`). Candidates with the same key are then compared field by
 * field (see `diffGoal`), so equal goals pair up first; identical goals pair in id order.
 */
import type { AdapterCapabilities } from '../adapter/contract.ts';
import type { GoalInput } from '../model/goal.ts';

type KeyedGoal = Pick<GoalInput, 'title' | 'owners'>;

export type NaturalKeyFunction = (goal: KeyedGoal) => string;

/** A title as compared for matching and uniqueness. */
export function normalizeTitle(title: string): string {
  return title.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
}

/** The default natural key for goals written to a target with these capabilities. */
export function naturalKeyFor(capabilities: Pick<AdapterCapabilities, 'fields'>): NaturalKeyFunction {
  const { readable, writable } = capabilities.fields;
  const withOwners = readable.includes('owners') && writable.includes('owners');
  return (goal) => {
    const owners = withOwners ? goal.owners.map((owner) => `${owner.type}:${owner.id}`).sort() : [];
    return JSON.stringify([normalizeTitle(goal.title), owners]);
  };
}
