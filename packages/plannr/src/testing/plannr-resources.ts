/**
 * How the simulator renders Plannr resources: times in Plannr's zone with an offset, money as pennies plus a
 * string formatted in Plannr's locale, progress and priority as strings, and the account and circle objects relations load.
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

const { timeZone, moneyFormatLocale } = PLANNR_ASSUMPTIONS;
const DAY_MS = 86_400_000;
const offsetNames = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });

/** The zone's offset from UTC in minutes at `ms`, as Intl knows it (`GMT+01:00`; plain `GMT` is zero). */
function zoneOffsetMinutes(ms: number): number {
  const name = offsetNames.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const [, sign, hours = '0', minutes = '0'] = /GMT([+-])(\d\d):(\d\d)/.exec(name) ?? [];
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

/** Per UTC day: the offset it starts and ends with, which are one offset on all days but a change's. */
const dayOffsets = new Map<number, readonly [number, number]>();

/** The zone's offset at `ms`, asking Intl about twice a day seen rather than once a timestamp (100 000 goals). */
function offsetMinutesAt(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  let offsets = dayOffsets.get(day);
  if (!offsets) {
    offsets = [zoneOffsetMinutes(day * DAY_MS), zoneOffsetMinutes((day + 1) * DAY_MS - 1)];
    dayOffsets.set(day, offsets);
  }
  return offsets[0] === offsets[1] ? offsets[0] : zoneOffsetMinutes(ms);
}

/** `+01:00`, `-05:00`, `+00:00`: never `Z`, as Plannr writes offsets [S1, S3]. */
function formatOffset(minutes: number): string {
  const absolute = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** `2026-04-29T12:53:00+01:00`: Plannr's zone, no fraction (ASSUMPTION `timeZone`, [S1]). */
export function formatPlannrDateTime(ms: number): string {
  const seconds = Math.floor(ms / 1000) * 1000;
  const offset = offsetMinutesAt(seconds);
  return `${new Date(seconds + offset * 60_000).toISOString().slice(0, 19)}${formatOffset(offset)}`;
}

/** A stored date as Plannr renders `complete_goal_by`: that day's midnight in its zone (`2027-04-28T00:00:00+01:00`). */
export function formatPlannrMidnight(date: string): string {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at UTC midnight places local midnight within a day of it; the offset there is the one it has.
  const offset = offsetMinutesAt(utcMidnight - offsetMinutesAt(utcMidnight) * 60_000);
  return `${date}T00:00:00${formatOffset(offset)}`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** `"500000"` GBP → `"£5,000.00"` in the locale of ASSUMPTION `moneyFormatLocale`; exact, never via a float. */
export function formatMoney(minorUnits: string, currency: string): string {
  const exponent = currencyExponent(currency);
  let format = moneyFormats.get(currency);
  if (!format) {
    const digits = { minimumFractionDigits: exponent, maximumFractionDigits: exponent };
    format = new Intl.NumberFormat(moneyFormatLocale, { style: 'currency', currency, ...digits });
    moneyFormats.set(currency, format);
  }
  const padded = minorUnits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, padded.length - exponent);
  // A decimal string keeps every digit: Intl formats strings exactly, where a number would round past 2^53.
  const decimal = exponent > 0 ? `${whole}.${padded.slice(-exponent)}` : whole;
  return format.format(decimal as Intl.StringNumericLiteral);
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
  const timestamp = formatPlannrDateTime(account.createdAt);
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
  const timestamp = formatPlannrDateTime(circle.createdAt);
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
    created_at: formatPlannrDateTime(goal.createdAt),
    updated_at: formatPlannrDateTime(goal.updatedAt),
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
    complete_goal_by: goal.completeGoalBy === null ? null : formatPlannrMidnight(goal.completeGoalBy),
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
