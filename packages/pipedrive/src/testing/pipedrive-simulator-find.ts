/**
 * `GET /goals/find` semantics (reference §1.4, §6.1–6.3): without `assignee.id` and without any filter marked
 * "everyone's goals", only the caller's goals (assigned to them as a person — ASSUMPTION: the docs say "your
 * goals"); `is_active` defaults to true; `period.start`/`period.end` only together. Arrays arrive as repeated
 * keys or comma-joined (both are in use, §1.4); the literal `null` matches "all". Undocumented choices,
 * marked ASSUMPTION: `title` matches exactly, arrays match as sets, and a period matches goals it overlaps.
 */
import { isIsoDate, parseDecimal } from '@goalbridge/core';
import {
  PIPEDRIVE_ASSIGNEE_TYPES,
  PIPEDRIVE_GOAL_TYPES,
  PIPEDRIVE_TRACKING_METRICS,
} from '../pipedrive-api.ts';
import type { RawGoal } from './pipedrive-simulator-validation.ts';

/** Filters that make find return everyone's goals ("If provided, everyone's goals will be returned"). */
const EVERYONE = new Set([
  'type.name',
  'assignee.type',
  'expected_outcome.target',
  'expected_outcome.tracking_metric',
  'expected_outcome.currency_id',
  'type.params.pipeline_id',
  'type.params.stage_id',
  'type.params.activity_type_id',
]);

/** Other lowest-level fields a dot-notation search may name (find description), matched by equality. */
const OTHER_SEARCH_FIELDS = ['id', 'owner_id', 'interval', 'duration.start', 'duration.end'];

export interface FindPlan {
  matches(goal: RawGoal, isActive: boolean): boolean;
}

type Predicate = (goal: RawGoal, isActive: boolean) => boolean;

function at(goal: RawGoal, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], goal);
}

class BadQuery extends Error {}

function values(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).flatMap((value) => value.split(','));
}

function single(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw new BadQuery(`${name} must be given once`);
  return all[0];
}

function integer(name: string, text: string): number {
  if (!/^-?\d{1,15}$/.test(text)) throw new BadQuery(`${name} must be an integer`);
  return Number(text);
}

function enumValue(name: string, text: string, allowed: readonly string[]): string {
  if (!allowed.includes(text)) throw new BadQuery(`${name} must be one of ${allowed.join(', ')}`);
  return text;
}

/** An id-list filter: `null` (all) or a set of ids. A goal without the param counts as "all". */
function idListPredicate(query: URLSearchParams, name: string, path: string): Predicate | undefined {
  const given = values(query, name);
  if (given.length === 0) return undefined;
  const wanted = given.length === 1 && given[0] === 'null' ? null : given.map((text) => integer(name, text));
  return (goal) => {
    const actual = at(goal, path) ?? null;
    if (wanted === null || actual === null) return wanted === actual;
    const have = new Set(actual as number[]);
    return have.size === new Set(wanted).size && wanted.every((id) => have.has(id));
  };
}

function scalarPredicate(
  query: URLSearchParams,
  name: string,
  parse: (text: string) => unknown,
): Predicate | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  const wanted = parse(text);
  return (goal) => at(goal, name) === wanted;
}

function periodPredicate(query: URLSearchParams): Predicate | undefined {
  const start = single(query, 'period.start');
  const end = single(query, 'period.end');
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined)
    throw new BadQuery('When providing period.start, period.end must also be provided and vice versa');
  if (!isIsoDate(start) || !isIsoDate(end))
    throw new BadQuery('period.start and period.end must be dates as YYYY-MM-DD');
  return (goal) => {
    const duration = (goal.duration ?? {}) as { start?: string; end?: string | null };
    return (duration.start ?? '') <= end && (duration.end == null || duration.end >= start);
  };
}

function activePredicate(query: URLSearchParams): Predicate {
  const text = single(query, 'is_active') ?? 'true';
  if (text !== 'true' && text !== 'false') throw new BadQuery('is_active must be true or false');
  const wanted = text === 'true';
  return (_goal, isActive) => isActive === wanted;
}

function ownerPredicate(query: URLSearchParams, callerId: number): Predicate | undefined {
  const idText = single(query, 'assignee.id');
  const type = single(query, 'assignee.type');
  if (idText !== undefined) {
    const id = integer('assignee.id', idText);
    // "The ID of the user who's goal to fetch": a person unless assignee.type says otherwise.
    const ofType = type ?? 'person';
    return (goal) => at(goal, 'assignee.id') === id && at(goal, 'assignee.type') === ofType;
  }
  const everyone = [...new Set(query.keys())].some((name) => EVERYONE.has(name));
  if (everyone) return undefined;
  return (goal) => at(goal, 'assignee.type') === 'person' && at(goal, 'assignee.id') === callerId;
}

/** The find plan for a query string, or the message of the 400 it deserves. */
export function planFind(query: URLSearchParams, callerId: number): FindPlan | string {
  try {
    const target = single(query, 'expected_outcome.target');
    const wantedTarget = target === undefined ? undefined : parseDecimal(target);
    if (target !== undefined && wantedTarget === undefined)
      throw new BadQuery('expected_outcome.target must be a number');
    const predicates = [
      activePredicate(query),
      ownerPredicate(query, callerId),
      periodPredicate(query),
      scalarPredicate(query, 'type.name', (text) => enumValue('type.name', text, PIPEDRIVE_GOAL_TYPES)),
      scalarPredicate(query, 'title', (text) => text),
      scalarPredicate(query, 'assignee.type', (text) =>
        enumValue('assignee.type', text, PIPEDRIVE_ASSIGNEE_TYPES),
      ),
      scalarPredicate(query, 'expected_outcome.tracking_metric', (text) =>
        enumValue('expected_outcome.tracking_metric', text, PIPEDRIVE_TRACKING_METRICS),
      ),
      scalarPredicate(query, 'expected_outcome.currency_id', (text) =>
        integer('expected_outcome.currency_id', text),
      ),
      scalarPredicate(query, 'type.params.stage_id', (text) => integer('type.params.stage_id', text)),
      wantedTarget === undefined
        ? undefined
        : (goal: RawGoal) => parseDecimal(at(goal, 'expected_outcome.target')) === wantedTarget,
      idListPredicate(query, 'type.params.pipeline_id', 'type.params.pipeline_id'),
      idListPredicate(query, 'type.params.activity_type_id', 'type.params.activity_type_id'),
      ...OTHER_SEARCH_FIELDS.map((name) => {
        const text = single(query, name);
        return text === undefined ? undefined : (goal: RawGoal) => String(at(goal, name)) === text;
      }),
    ].filter((predicate): predicate is Predicate => predicate !== undefined);
    return { matches: (goal, isActive) => predicates.every((predicate) => predicate(goal, isActive)) };
  } catch (error) {
    if (error instanceof BadQuery) return error.message;
    throw error;
  }
}
