/**
 * The natural key: how a source goal is recognised in a target that has no ID-map entry for it — a target
 * filled before goalbridge ran, or a create whose answer was lost. Built only from fields the target stores
 * and reads back, so a goal and its copy in the target produce the same key:
 *   title (trimmed, case-folded, inner whitespace collapsed) · owners (sorted type:id) · measure.kind ·
 *   schedule.start · schedule.end · target value
 * Fields the target cannot store are left out on both sides.
 */
import type { AdapterCapabilities } from '../adapter/contract.ts';
import type { GoalField, GoalInput } from '../model/goal.ts';

type KeyedGoal = Pick<GoalInput, 'title' | 'owners' | 'measure' | 'schedule' | 'target'>;

export type NaturalKeyFunction = (goal: KeyedGoal) => string;

function normalizeTitle(title: string): string {
  return title.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
}

/** The default natural key for goals written to a target with these capabilities. */
export function naturalKeyFor(capabilities: Pick<AdapterCapabilities, 'fields'>): NaturalKeyFunction {
  const stored = new Set<GoalField>(
    capabilities.fields.writable.filter((field) => capabilities.fields.readable.includes(field)),
  );
  return (goal) => {
    const parts: unknown[] = [normalizeTitle(goal.title)];
    if (stored.has('owners')) parts.push(goal.owners.map((owner) => `${owner.type}:${owner.id}`).sort());
    if (stored.has('measure')) parts.push(goal.measure.kind);
    if (stored.has('schedule.start')) parts.push(goal.schedule.start ?? null);
    if (stored.has('schedule.end')) parts.push(goal.schedule.end ?? null);
    if (stored.has('target')) parts.push(goal.target?.value ?? null);
    return JSON.stringify(parts);
  };
}
