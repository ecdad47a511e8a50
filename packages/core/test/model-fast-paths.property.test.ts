/**
 * The fast paths of the decimal and date helpers hold to the general code they short-cut. Dates: the
 * `Date`-based implementations the arithmetic replaced are kept here as the reference. Decimals: the general
 * reading (`parseDecimalGeneral`, regex and BigInt) stays in the module and is the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate, isIsoDateTime, localDateOf, parseDateTime } from '../src/model/dates.ts';
import {
  compareDecimals,
  decimalToMinorUnits,
  decimalToNumber,
  isCanonicalDecimal,
  parseDecimal,
  parseDecimalGeneral,
} from '../src/model/decimal.ts';

const RUNS = { numRuns: 5000 };

// --- The reference: dates.ts before the fast paths, verbatim but for the two rules added since: offsets in
// RFC 3339's range, and only instants that read back (years 100–9999). -----------------------------------------
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

function referenceIsIsoDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function referenceOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const [hours, minutesPart] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || '0')];
  if (hours > 23 || minutesPart > 59) return undefined;
  const minutes = hours * 60 + minutesPart;
  return zone.startsWith('-') ? -minutes : minutes;
}

const READABLE = { from: Date.UTC(100, 0, 1), to: Date.UTC(9999, 11, 31, 23, 59, 59, 999) };
const readable = (time: number) =>
  time >= READABLE.from && time <= READABLE.to ? new Date(time).toISOString() : undefined;

function referenceParseDateTime(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? readable(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match;
  if (!referenceIsIsoDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const offset = referenceOffsetMinutes(zone);
  return offset === undefined ? undefined : readable(local - offset * 60_000);
}

function referenceLocalDateOf(value: string): string | undefined {
  if (referenceIsIsoDate(value)) return value;
  const match = DATE_TIME.exec(value);
  const date = match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
  return date !== undefined && referenceIsIsoDate(date) && referenceParseDateTime(value) ? date : undefined;
}

/** Both answers, or both errors: what a caller can observe. */
function outcome<T>(run: () => T): { value: T } | { error: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

// --- Generators: mostly valid text, with every part sometimes out of range or malformed. ----------------------
const digits = (count: number, max = 10 ** count - 1) =>
  fc.integer({ min: 0, max }).map((value) => String(value).padStart(count, '0'));
const year = fc.oneof(
  digits(4),
  fc.integer({ min: 0, max: 120 }).map((y) => String(y).padStart(4, '0')),
);
const month = fc.oneof(digits(2, 13), digits(2));
const day = fc.oneof(digits(2, 32), fc.constantFrom('28', '29', '30', '31'), digits(2));
const junk = fc.string({ maxLength: 3 });
const datePart = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(year, month, day).map(([y, m, d]) => `${y}-${m}-${d}`) },
  { weight: 1, arbitrary: fc.tuple(year, month, day, junk).map(([y, m, d, j]) => `${y}-${m}-${d}${j}`) },
  { weight: 1, arbitrary: fc.string({ minLength: 10, maxLength: 10 }) },
);
const zone = fc.oneof(
  fc.constantFrom('Z', 'z', '+00:00', '+0000', '-00:00', '+00', ''),
  fc
    .tuple(fc.constantFrom('+', '-'), digits(2, 23), fc.constantFrom('', ':'), digits(2, 59))
    .map(([sign, h, colon, m]) => `${sign}${h}${colon}${m}`),
  fc.tuple(fc.constantFrom('+', '-'), digits(2)).map(([sign, h]) => `${sign}${h}`),
  fc
    .tuple(fc.constantFrom('+', '-'), digits(2), fc.constantFrom('', ':'), digits(2))
    .map(([sign, h, colon, m]) => `${sign}${h}${colon}${m}`),
  junk,
);
const timePart = fc
  .tuple(
    fc.constantFrom('T', ' ', 't'),
    fc.oneof(digits(2, 23), digits(2)),
    fc.oneof(digits(2, 59), digits(2)),
    fc.option(fc.oneof(digits(2, 59), digits(2)), { nil: undefined }),
    fc.option(
      fc
        .tuple(fc.constantFrom('.', ','), fc.integer({ min: 1, max: 10 }), fc.nat())
        .map(([mark, length, value]) => `${mark}${String(value).padStart(length, '0').slice(-length)}`),
      { nil: undefined },
    ),
    zone,
  )
  .map(([t, h, m, s, fraction, z]) => `${t}${h}:${m}${s === undefined ? '' : `:${s}${fraction ?? ''}`}${z}`);
/** Endings at the edges of the grammar: fraction lengths 0 and 10, short seconds, half offsets. */
const awkwardTime = fc.constantFrom(
  'T10:00:00.Z',
  'T10:00:00.1234567890Z',
  'T10:00:00.123456789Z',
  'T10:00:00,5+01',
  'T10:00:0Z',
  'T10:00:Z',
  'T10:00Z',
  'T10:00+05:',
  'T10:00+053',
  'T10:00+05:3',
  'T10:00+0530',
  'T10:00+05:30',
  'T10:00+05x30',
  'T10:00+05.30',
  'T10:00-05',
  'T10:00Z ',
  'T10:00ZZ',
  'T10:00',
  'T10:00:00.5',
  'T1:00:00Z',
  'T10:00:00.+01:00',
);
const dateTimeText = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(datePart, timePart).map(([date, time]) => date + time) },
  fc.tuple(datePart, awkwardTime).map(([date, time]) => date + time),
  fc
    .tuple(datePart, timePart, fc.integer({ min: 0, max: 30 }))
    .map(([date, time, cut]) => (date + time).slice(0, cut)),
);
const epochMillis = fc.oneof(
  fc.integer({ min: -62_167_219_200_000 - 10, max: 253_402_300_799_999 + 10 }),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  fc.constantFrom(0, -0, 8.64e15, -8.64e15, 8.64e15 + 1, 1.5, Number.NaN, 2 ** 53),
  fc.double(),
);

describe('dates: fast paths agree with the Date-based reference', () => {
  it('isIsoDate, for every day of sample years (leap rules, years 0–99 that Date.UTC shifts)', () => {
    const years = [0, 1, 4, 99, 100, 101, 200, 400, 1600, 1900, 2000, 2023, 2024, 2100, 9999];
    for (const y of years) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect(isIsoDate(text), text).toBe(referenceIsIsoDate(text));
        }
      }
    }
  });

  it('isIsoDate, for generated text and other values', () => {
    fc.assert(
      fc.property(fc.oneof(datePart, fc.string(), fc.anything()), (value) => {
        expect(isIsoDate(value)).toBe(referenceIsIsoDate(value));
      }),
      RUNS,
    );
  });

  it('parseDateTime, localDateOf and isIsoDateTime, for generated datetimes', () => {
    fc.assert(
      fc.property(fc.oneof(dateTimeText, datePart), (text) => {
        expect(parseDateTime(text)).toBe(referenceParseDateTime(text));
        expect(localDateOf(text)).toBe(referenceLocalDateOf(text));
        expect(isIsoDateTime(text)).toBe(referenceParseDateTime(text) === text);
      }),
      RUNS,
    );
  });

  it('parseDateTime, for epoch milliseconds across and beyond four-digit years', () => {
    fc.assert(
      fc.property(epochMillis, (time) => {
        expect(outcome(() => parseDateTime(time))).toEqual(outcome(() => referenceParseDateTime(time)));
      }),
      RUNS,
    );
  });

  it('parseDateTime: every instant it gives reads back as itself', () => {
    fc.assert(
      fc.property(fc.oneof(epochMillis, dateTimeText), (value) => {
        const instant = parseDateTime(value);
        if (instant !== undefined) expect(parseDateTime(instant)).toBe(instant);
      }),
      RUNS,
    );
  });

  it('parseDateTime, for normalized instants written back', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (time) => {
        const text = new Date(time).toISOString();
        expect(parseDateTime(text)).toBe(referenceParseDateTime(text));
      }),
      RUNS,
    );
  });

  it('localDateOf refuses what is not text, as the reference did', () => {
    for (const value of [20250101, null, undefined, {}, ['2025-01-01T00:00:00Z']]) {
      expect(localDateOf(value as unknown as string)).toBeUndefined();
    }
  });
});

// --- Decimals. -------------------------------------------------------------------------------------------------
const canonicalDecimal = fc
  .stringMatching(/^-?(?:0|[1-9]\d{0,30})(?:\.\d{0,12}[1-9])?$/)
  .filter((v) => v !== '-0');
const decimalText = fc.oneof(
  canonicalDecimal,
  fc.stringMatching(/^[+-]?\d{0,6}\.?\d{0,6}(?:[eE][+-]?\d{1,5})?$/),
  fc.string({ maxLength: 8 }),
);
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.maxSafeInteger(),
  fc.integer({ min: 0, max: 10 ** 9 }).map((units) => units / 1000),
);

/** The canonical decimal times 10^12, by hand: independent of the module under test. */
function unitsAtScale12(value: string): bigint {
  const [whole = '', fraction = ''] = value.split('.');
  return BigInt(whole + fraction.padEnd(12, '0'));
}

describe('decimals: fast paths agree with the general reading', () => {
  it('canonical text reads back unchanged through the general path (the fast path returns it as is)', () => {
    fc.assert(
      fc.property(canonicalDecimal, (value) => {
        expect(isCanonicalDecimal(value)).toBe(true);
        expect(parseDecimalGeneral(value)).toBe(value);
        expect(parseDecimal(value)).toBe(value);
      }),
      RUNS,
    );
  });

  it('parseDecimal matches the general reading for text, numbers and bigints', () => {
    fc.assert(
      fc.property(fc.oneof(decimalText, anyNumber, fc.bigInt()), (input) => {
        const general =
          typeof input === 'number' && !Number.isFinite(input) ? undefined : parseDecimalGeneral(input);
        expect(parseDecimal(input)).toBe(general);
      }),
      RUNS,
    );
  });

  it('compareDecimals on canonical text matches exact integer comparison', () => {
    fc.assert(
      fc.property(canonicalDecimal, canonicalDecimal, (a, b) => {
        const [x, y] = [unitsAtScale12(a), unitsAtScale12(b)];
        expect(compareDecimals(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(compareDecimals(a, a)).toBe(0);
      }),
      RUNS,
    );
  });

  it('compareDecimals gives the same answer for a value and any spelling of it', () => {
    fc.assert(
      fc.property(canonicalDecimal, canonicalDecimal, fc.nat(3), (a, b, zeros) => {
        const spelled = a.includes('.') ? `${a}${'0'.repeat(zeros)}` : `${a}.${'0'.repeat(zeros)}`;
        expect(compareDecimals(spelled, b)).toBe(compareDecimals(a, b));
        expect(compareDecimals(a, `${b}e0`)).toBe(compareDecimals(a, b));
      }),
      RUNS,
    );
  });

  it('decimalToMinorUnits gives the same units or the same error for canonical and other spellings', () => {
    fc.assert(
      fc.property(canonicalDecimal, fc.integer({ min: 0, max: 14 }), fc.nat(3), (value, exponent, zeros) => {
        const spelled = `${value}${value.includes('.') ? '' : '.'}${'0'.repeat(zeros + 1)}`;
        // The spelled form is not canonical, so it takes the general path.
        expect(isCanonicalDecimal(spelled)).toBe(false);
        const fast = outcome(() => decimalToMinorUnits(value, exponent));
        const general = outcome(() => decimalToMinorUnits(spelled, exponent));
        if ('error' in general) expect(fast).toEqual({ error: general.error.replace(spelled, value) });
        else expect(fast).toEqual(general);
      }),
      RUNS,
    );
  });

  it('decimalToNumber gives the same number or the same error as the exactness check alone', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          canonicalDecimal,
          anyNumber.map((n) => parseDecimal(n) ?? '0'),
        ),
        (value) => {
          const number = Number(value);
          const exact = Number.isFinite(number) && parseDecimal(number) === parseDecimal(value);
          expect(outcome(() => decimalToNumber(value))).toEqual(
            exact
              ? { value: number }
              : { error: `RangeError: ${value} cannot be sent as a JSON number without losing precision` },
          );
        },
      ),
      RUNS,
    );
  });
});
