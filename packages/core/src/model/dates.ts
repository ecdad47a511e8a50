/**
 * Calendar dates (`YYYY-MM-DD`) and instants (ISO 8601, normalized to UTC). Providers disagree on formats —
 * offsets without a colon, epoch milliseconds, datetimes where a date is meant — so every parse lives here.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** An instant as ISO 8601 in UTC with milliseconds: `2025-01-17T11:18:33.000Z`. */
export type IsoDateTime = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date in `YYYY-MM-DD` form (rejects 2025-02-30). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

/**
 * Parses an ISO 8601 datetime with an explicit offset (`Z`, `+01:00`, `+0530`, `+05`) or epoch milliseconds,
 * and returns the instant in UTC. Returns `undefined` for anything else, including datetimes without an offset
 * (their meaning depends on a server time zone nobody told us).
 */
export function parseDateTime(value: unknown): IsoDateTime | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? new Date(value).toISOString() : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match;
  if (!isIsoDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  return new Date(local - offsetMinutes(zone) * 60_000).toISOString();
}

/** True when `value` is already a normalized UTC instant. */
export function isIsoDateTime(value: unknown): value is IsoDateTime {
  return typeof value === 'string' && parseDateTime(value) === value;
}

/** The calendar date written in a datetime, in the datetime's own offset ("2027-04-29T00:00:00+01:00" → "2027-04-29"). */
export function localDateOf(value: string): IsoDate | undefined {
  if (isIsoDate(value)) return value;
  const match = DATE_TIME.exec(value);
  const date = match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
  return date !== undefined && isIsoDate(date) && parseDateTime(value) ? date : undefined;
}

/** Days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** `date` moved by whole days. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `date` moved by whole months, clamped to the last day of a shorter month (Jan 31 + 1 month → Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Today's date in UTC. */
export function todayUtc(now: number = Date.now()): IsoDate {
  return new Date(now).toISOString().slice(0, 10);
}

/** The next UTC midnight after `now` (epoch ms): when daily API budgets reset. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}
