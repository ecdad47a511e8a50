/**
 * How the simulator renders Plannr resources: times in Europe/London with an offset, money as pennies plus a
 * UK-formatted string, progress and priority as strings, and the account and circle objects relations load.
 */
import { currencyExponent } from '@goalbridge/core';
import { PLANNR_ASSUMPTIONS } from '../plannr-assumptions.ts';

export interface AccountRecord {
  uuid: string;
  type: 'client' | 'employee';
  role: string;
  firstName: string;
  lastName: string;
  email: string;
  createdAt: number;
}

export interface CircleRecord {
  uuid: string;
  name: string;
  accountUuids: readonly string[];
  createdAt: number;
}

export interface GoalRecord {
  /** Insertion order: the primary key ties on `created_at` fall back to. */
  seq: number;
  uuid: string;
  /** Epoch milliseconds, whole seconds (the database keeps seconds). */
  createdAt: number;
  updatedAt: number;
  name: string;
  description: string | null;
  /** Minor units as a digit string. */
  targetAmount: string | null;
  progress: number | null;
  timeframe: string | null;
  /** `YYYY-MM-DD`. */
  completeGoalBy: string | null;
  priority: number | null;
  accountUuids: string[];
  shownOnCircles: boolean;
  visibleToCirclesUuids: string[];
}

const HOUR_MS = 3_600_000;

/** 01:00 UTC on the last Sunday of `month` (0-based): when UK clocks change. */
function lastSundayAtOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

const summerTimes = new Map<number, [number, number]>();

/** True when London keeps summer time (UTC+1) at `ms`. */
function isBritishSummerTime(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  let summer = summerTimes.get(year);
  if (!summer) {
    summer = [lastSundayAtOneUtc(year, 2), lastSundayAtOneUtc(year, 9)];
    summerTimes.set(year, summer);
  }
  return ms >= summer[0] && ms < summer[1];
}

/** `2026-04-29T12:53:00+01:00`: London time, no fraction (ASSUMPTION `timeZone`, [S1]). */
export function formatLondonDateTime(ms: number): string {
  const seconds = Math.floor(ms / 1000) * 1000;
  const summer = isBritishSummerTime(seconds);
  const local = new Date(seconds + (summer ? HOUR_MS : 0)).toISOString().slice(0, 19);
  return `${local}${summer ? '+01:00' : '+00:00'}`;
}

/** A stored date as Plannr renders `complete_goal_by`: that day's London midnight (`2027-04-28T00:00:00+01:00`). */
export function formatLondonMidnight(date: string): string {
  // The hour before UTC midnight is in summer time exactly when London's midnight is.
  const summer = isBritishSummerTime(Date.parse(`${date}T00:00:00Z`) - HOUR_MS);
  return `${date}T00:00:00${summer ? '+01:00' : '+00:00'}`;
}

const SYMBOLS: Readonly<Record<string, string>> = { GBP: '£', EUR: '€', USD: '$' };

/** `"500000"` GBP → `"£5,000.00"` (ASSUMPTION `moneyFormatLocale`). */
export function formatMoney(minorUnits: string, currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = minorUnits.padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : '';
  const symbol = SYMBOLS[currency];
  return symbol ? `${symbol}${whole}${fraction}` : `${currency} ${whole}${fraction}`;
}

const renderedAccounts = new WeakMap<AccountRecord, Record<string, unknown>>();

/** The scalar keys of an AccountResource (reference §1.0.2, "emit only the scalar keys"); accounts never change. */
export function renderAccount(account: AccountRecord): Record<string, unknown> {
  let rendered = renderedAccounts.get(account);
  if (!rendered) {
    rendered = accountResource(account);
    renderedAccounts.set(account, rendered);
  }
  return rendered;
}

function accountResource(account: AccountRecord): Record<string, unknown> {
  const timestamp = formatLondonDateTime(account.createdAt);
  const name = `${account.firstName} ${account.lastName}`;
  return {
    uuid: account.uuid,
    created_at: timestamp,
    updated_at: timestamp,
    type: account.type,
    role: account.role,
    first_name: account.firstName,
    last_name: account.lastName,
    name,
    email: account.email,
    photo_url: `https://eu.ui-avatars.com/api/?name=${encodeURIComponent(name.toLowerCase()).replaceAll('%20', '+')}`,
  };
}

/** A CircleResource without its nested groups and accounts [S10]. */
export function renderCircle(circle: CircleRecord): Record<string, unknown> {
  const timestamp = formatLondonDateTime(circle.createdAt);
  return {
    uuid: circle.uuid,
    name: circle.name,
    photo_url: `https://eu.ui-avatars.com/api/?name=${encodeURIComponent(circle.name.toLowerCase()).replaceAll('%20', '+')}`,
    created_at: timestamp,
    updated_at: timestamp,
  };
}

export interface RenderContext {
  account(uuid: string): AccountRecord | undefined;
  circle(uuid: string): CircleRecord | undefined;
  /** Relations asked for with `include`. */
  include: ReadonlySet<string>;
  currency: string;
}

const { includes, sharedOwnerTypes } = PLANNR_ASSUMPTIONS;

/** A GoalResource in the documented key order [S1], then the assumed attribute and loaded relations. */
export function renderGoal(goal: GoalRecord, context: RenderContext): Record<string, unknown> {
  const single = goal.accountUuids.length === 1 ? context.account(goal.accountUuids[0] as string) : undefined;
  const resource: Record<string, unknown> = {
    uuid: goal.uuid,
    created_at: formatLondonDateTime(goal.createdAt),
    updated_at: formatLondonDateTime(goal.updatedAt),
    name: goal.name,
    description: goal.description,
    target_amount:
      goal.targetAmount === null
        ? null
        : {
            amount: goal.targetAmount,
            formatted: formatMoney(goal.targetAmount, context.currency),
            currency: context.currency,
          },
    progress: goal.progress === null ? null : String(goal.progress),
    timeframe: goal.timeframe,
    complete_goal_by: goal.completeGoalBy === null ? null : formatLondonMidnight(goal.completeGoalBy),
    priority: goal.priority === null ? null : String(goal.priority),
    shared_owner_type: single ? sharedOwnerTypes.single : sharedOwnerTypes.several,
  };
  if (single) resource.shared_owner = renderAccount(single);
  if (PLANNR_ASSUMPTIONS.shownOnCirclesInResponse) resource.shown_on_circles = goal.shownOnCircles;
  if (includes.owners !== undefined && context.include.has(includes.owners)) {
    resource[includes.owners] = goal.accountUuids.flatMap((uuid) => {
      const account = context.account(uuid);
      return account ? [renderAccount(account)] : [];
    });
  }
  if (includes.circles !== undefined && context.include.has(includes.circles)) {
    resource[includes.circles] = goal.visibleToCirclesUuids.flatMap((uuid) => {
      const circle = context.circle(uuid);
      return circle ? [renderCircle(circle)] : [];
    });
  }
  return resource;
}
