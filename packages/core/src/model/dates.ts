/**
 * Calendar dates (`YYYY-MM-DD`) and instants (ISO 8601, normalized to UTC). Providers disagree on formats —
 * offsets without a colon, epoch milliseconds, datetimes where a date is meant — so every parse lives here.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** An instant as ISO 8601 in UTC with milliseconds: `2025-01-17T11:18:33.000Z`. */
export type IsoDateTime = string;

const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Instants whose ISO text has a four-digit year: 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z. */
const FOUR_DIGIT_YEARS = { from: -62_167_219_200_000, to: 253_402_300_799_999 };
/**
 * Instants this module reads back as it writes them: from 0100-01-01T00:00:00.000Z (see `isCalendarDate`) to
 * the last four-digit year. Anything else is refused, so no accepted instant fails when read again.
 */
const READABLE_INSTANTS = { from: -59_011_459_200_000, to: FOUR_DIGIT_YEARS.to };

const isReadableInstant = (time: number) =>
  Number.isSafeInteger(time) && time >= READABLE_INSTANTS.from && time <= READABLE_INSTANTS.to;

/**
 * A day of the proleptic Gregorian calendar, as `Date` counts them. Years 0–99 are refused: `Date.UTC` reads
 * them as 1900–1999, so the `Date`-based check this replaces never accepted them either.
 */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** The number written by `count` ASCII digits at `start`, or -1 when one of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - 48; // NaN past the end
    if (!(digit >= 0 && digit <= 9)) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** True for a real calendar date in `YYYY-MM-DD` form (rejects 2025-02-30). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string' || value.length !== 10 || value[4] !== '-' || value[7] !== '-') return false;
  return isCalendarDate(digitsAt(value, 0, 4), digitsAt(value, 5, 2), digitsAt(value, 8, 2));
}

interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  /** The offset east of UTC, in minutes. */
  offset: number;
  /** Epoch milliseconds, worked out only for an offset other than UTC (see `acceptedDateTime`). */
  instant: number | undefined;
}

/**
 * The fields of `YYYY-MM-DD[T ]HH:MM[:SS[[.,]F]](Z|z|±HH[[:]MM])` (F: 1 to 9 digits), read by hand rather than
 * with a regex: this runs for every timestamp of every goal read, and a match with captures costs several times
 * more. Only the form is checked here, not the ranges.
 */
function readDateTime(text: string): DateTimeFields | undefined {
  if (text.length < 17 || text[4] !== '-' || text[7] !== '-' || text[13] !== ':') return undefined;
  if (text[10] !== 'T' && text[10] !== ' ') return undefined;
  let at = 16;
  let second = 0;
  let millis = 0;
  if (text[at] === ':') {
    second = digitsAt(text, at + 1, 2);
    at += 3;
    if (text[at] === '.' || text[at] === ',') {
      const start = at + 1;
      at = start;
      while (digitsAt(text, at, 1) !== -1) at++;
      if (at === start || at - start > 9) return undefined;
      millis = Number(text.slice(start, Math.min(at, start + 3)).padEnd(3, '0'));
    }
  }
  const [year, month, day] = [digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2)];
  const [hour, minute] = [digitsAt(text, 11, 2), digitsAt(text, 14, 2)];
  const offset = zoneOffset(text, at);
  if (offset === undefined || Math.min(year, month, day, hour, minute, second) === -1) return undefined;
  return { year, month, day, hour, minute, second, millis, offset, instant: undefined };
}

/** The offset of the zone that ends `text` from `at`, in minutes; undefined when there is none. */
function zoneOffset(text: string, at: number): number | undefined {
  const sign = text[at];
  const length = text.length - at;
  if (length === 1 && (sign === 'Z' || sign === 'z')) return 0;
  if (sign !== '+' && sign !== '-') return undefined;
  const hours = digitsAt(text, at + 1, 2);
  let minutes = -1;
  if (length === 3) minutes = 0;
  else if (length === 5) minutes = digitsAt(text, at + 3, 2);
  else if (length === 6 && text[at + 3] === ':') minutes = digitsAt(text, at + 4, 2);
  // RFC 3339: hours 00–23, minutes 00–59; `+99:99` is no offset, not a 4-day shift.
  if (hours === -1 || minutes === -1 || hours > 23 || minutes > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const pad = (value: number, length: number) => String(value).padStart(length, '0');

/**
 * `new Date(time).toISOString()`, computed: formatting through a Date costs more than a whole mapping should.
 * Days to year, month and day as in H. Hinnant's `civil_from_days`; instants outside four-digit years (and
 * invalid ones, which throw) are left to `Date`.
 */
function formatInstant(time: number): IsoDateTime {
  if (!Number.isInteger(time) || time < FOUR_DIGIT_YEARS.from || time > FOUR_DIGIT_YEARS.to) {
    return new Date(time).toISOString();
  }
  const days = Math.floor(time / DAY_MS);
  const inDay = time - days * DAY_MS;
  const shifted = days + 719_468; // days from 0000-03-01, so leap days fall at the end of a year
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(inDay % 1000, 3)}Z`;
}

/**
 * Parses an ISO 8601 datetime with an explicit offset (`Z`, `+01:00`, `+0530`, `+05`) or epoch milliseconds,
 * and returns the instant in UTC. Returns `undefined` for anything else, including datetimes without an offset
 * (their meaning depends on a server time zone nobody told us).
 */
export function parseDateTime(value: unknown): IsoDateTime | undefined {
  if (typeof value === 'number') return isReadableInstant(value) ? formatInstant(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const accepted = acceptedDateTime(value);
  if (!accepted) return undefined;
  const { second, millis, instant } = accepted;
  // Already in UTC, as most APIs write it: the instant is the text's own fields, no arithmetic needed.
  if (instant === undefined)
    return `${value.slice(0, 10)}T${value.slice(11, 16)}:${pad(second, 2)}.${pad(millis, 3)}Z`;
  return formatInstant(instant);
}

/**
 * The fields of a datetime {@link parseDateTime} accepts, or undefined: its form, ranges and instant checked.
 * `instant` (epoch milliseconds) only when the offset is not UTC, as only then does it take arithmetic.
 */
function acceptedDateTime(value: string): DateTimeFields | undefined {
  const fields = readDateTime(value);
  if (!fields) return undefined;
  const { year, month, day, hour, minute, second, millis, offset } = fields;
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (offset === 0) return fields;
  fields.instant = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
  return isReadableInstant(fields.instant) ? fields : undefined;
}

/** True when `value` is already a normalized UTC instant. */
export function isIsoDateTime(value: unknown): value is IsoDateTime {
  return typeof value === 'string' && parseDateTime(value) === value;
}

/** The calendar date written in a datetime, in the datetime's own offset ("2027-04-29T00:00:00+01:00" → "2027-04-29"). */
export function localDateOf(value: string): IsoDate | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 10) return isIsoDate(value) ? value : undefined; // too short for a datetime
  // A datetime parseDateTime accepts starts with a valid calendar date: its first ten characters.
  return acceptedDateTime(value) ? value.slice(0, 10) : undefined;
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
