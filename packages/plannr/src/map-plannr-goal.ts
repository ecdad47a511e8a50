/**
 * Plannr goal → Goal. Pure and exported for ETL use: give it a goal parsed with `PlannrGoalSchema`.
 *
 * | Plannr                                   | Goal                                                     |
 * | ---------------------------------------- | -------------------------------------------------------- |
 * | `uuid`, `name`, `description`            | `id`, `title`, `description`                             |
 * | `target_amount {amount, currency}`       | `target {value, currency}` — pennies → exact decimal     |
 * | `progress` (percent, a string)           | `progress.percent`                                       |
 * | `priority` (1–5, a string)               | `priority`                                               |
 * | `complete_goal_by` (datetime)            | `schedule.end` — the date as written in its own offset   |
 * | `accounts` / `account_uuids` / `shared_owner` | `owners [{type: 'account', id}]`                    |
 * | `timeframe`, circles, `shared_owner_type`, unknown fields | `extensions.plannr`                     |
 */
import {
  copyJson,
  currencyExponent,
  type Goal,
  type GoalProgress,
  localDateOf,
  type Mapped,
  minorUnitsToDecimal,
  type Owner,
  parseDateTime,
  parseDecimal,
  setOwnProperty,
  type Target,
  WarningList,
} from '@goalbridge/core';
import { KNOWN_GOAL_KEYS, PLANNR_PROVIDER, type PlannrGoal, type PlannrMoney } from './plannr-api.ts';

/** Plannr goals have one kind of measure: a money target for a client's financial objective (reference §5). */
export const PLANNR_MEASURE = { kind: 'money', metric: 'financial_goal' } as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What `extensions.plannr` holds. The first three are written back; the last two are Plannr's to set. */
export interface PlannrGoalExtension {
  /** Free-text horizon, e.g. "Within the year." (at most 255 characters). */
  timeframe?: string | null;
  /** `shown_on_circles` (also spelt `show_on_circles` in the docs). */
  shownOnCircles?: boolean;
  /** `visible_to_circles_uuids`; empty means every circle holding one of the owners. */
  visibleToCirclesUuids?: string[];
  /** Read-only: `individual` or `shared`, derived by Plannr from the owners. */
  sharedOwnerType?: string | null;
  /** Read-only: response fields this package does not know, kept verbatim. */
  extra?: Record<string, Json>;
}

/** Maps one Plannr goal. Warnings say what a response could not tell (owners it did not include). */
export function plannrGoalToGoal(raw: PlannrGoal): Mapped<Goal> {
  const warnings = new WarningList();
  const goal: Goal = {
    id: raw.uuid,
    provider: PLANNR_PROVIDER,
    title: raw.name,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    owners: readOwners(raw, warnings),
    measure: { ...PLANNR_MEASURE },
    target: raw.target_amount ? readMoney(raw.target_amount) : null,
    schedule: {
      ...(raw.complete_goal_by === undefined
        ? {}
        : { end: raw.complete_goal_by === null ? null : (localDateOf(raw.complete_goal_by) as string) }),
      recurrence: 'none',
    },
    status: 'active',
    ...(raw.priority === undefined ? {} : { priority: raw.priority === null ? null : Number(raw.priority) }),
    ...(raw.progress === undefined ? {} : { progress: readProgress(raw.progress) }),
    createdAt: parseDateTime(raw.created_at) as string,
    updatedAt: parseDateTime(raw.updated_at) as string,
    extensions: { plannr: readExtension(raw) as Record<string, Json> },
  };
  return warnings.result(goal);
}

/** Exact: `"4000"` GBP → `"40"` (the amount is documented in minor units [S1]); no floating point on the way. */
export function readMoney(money: PlannrMoney): Target {
  const value = minorUnitsToDecimal(String(money.amount), currencyExponent(money.currency));
  return { value, currency: money.currency };
}

/** A percentage; `null` (none recorded) reads as empty progress, so writing the goal back clears it too. */
function readProgress(progress: string | number | null): GoalProgress {
  return progress === null ? {} : { percent: parseDecimal(String(progress)) as string };
}

/**
 * Owners from the richest source the response has: the `accounts` relation, raw `account_uuids`, or the
 * documented `shared_owner`, which names the owner of a single-owner goal only (reference §1.0).
 */
function readOwners(raw: PlannrGoal, warnings: WarningList): Owner[] {
  const ids =
    raw.accounts?.map((account) => account.uuid) ??
    raw.account_uuids ??
    (raw.shared_owner ? [raw.shared_owner.uuid] : undefined);
  if (ids === undefined) {
    warnings.add(
      'owners',
      'Plannr did not return the owners of this goal',
      'left empty',
      `shared_owner_type ${raw.shared_owner_type ?? 'missing'}`,
    );
    return [];
  }
  return ids.map((id) => ({ type: 'account', id }));
}

function readExtension(raw: PlannrGoal): PlannrGoalExtension {
  const extension: PlannrGoalExtension = {};
  if (raw.timeframe !== undefined) extension.timeframe = raw.timeframe;
  const shown = raw.shown_on_circles ?? raw.show_on_circles;
  if (shown !== undefined && shown !== null) extension.shownOnCircles = shown === true || shown === 1;
  const circles = raw.visible_to_circles?.map((circle) => circle.uuid) ?? raw.visible_to_circles_uuids;
  if (circles !== undefined) extension.visibleToCirclesUuids = circles ?? [];
  if (raw.shared_owner_type !== undefined) extension.sharedOwnerType = raw.shared_owner_type;
  const extra = unknownFields(raw);
  if (Object.keys(extra).length > 0) extension.extra = extra;
  return extension;
}

/**
 * Response fields this package does not know, kept verbatim for a lossless round trip (keys the Goal refuses
 * are dropped with a warning when the adapter reads the goal: see readMappedGoal).
 */
function unknownFields(raw: PlannrGoal): Record<string, Json> {
  const extra: Record<string, Json> = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (KNOWN_GOAL_KEYS.has(key) || value === undefined) continue;
    setOwnProperty(extra, key, copyJson(value));
  }
  return extra;
}
