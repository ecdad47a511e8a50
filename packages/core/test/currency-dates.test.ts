import { describe, expect, it } from 'vitest';
import { currencyCodes, currencyExponent, isCurrencyCode } from '../src/model/currency.ts';
import {
  addDays,
  addMonths,
  daysBetween,
  isIsoDate,
  isIsoDateTime,
  localDateOf,
  nextUtcMidnight,
  parseDateTime,
} from '../src/model/dates.ts';

describe('currencies', () => {
  it.each([
    ['EUR', 2],
    ['GBP', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['CLF', 4],
  ])('%s has %i minor digits', (code, exponent) => {
    expect(isCurrencyCode(code)).toBe(true);
    expect(currencyExponent(code)).toBe(exponent);
  });

  it.each(['eur', 'XYZ', 'EURO', '', 'HRK'])('refuses %p', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expect(() => currencyExponent(code)).toThrow(/unknown ISO 4217/);
  });

  it('lists each code once, sorted', () => {
    const codes = currencyCodes();
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort());
    expect(codes.length).toBeGreaterThan(150);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{3}$/);
  });
});

describe('dates', () => {
  it.each(['2025-01-31', '2024-02-29', '2000-02-29', '1999-12-31'])('%s is a date', (value) => {
    expect(isIsoDate(value)).toBe(true);
  });

  it.each([
    '2025-02-29',
    '2025-02-30',
    '2025-13-01',
    '2025-1-01',
    '01/02/2025',
    '2025-01-01T00:00:00Z',
    20250101,
    '',
  ])('%p is not a date', (value) => {
    expect(isIsoDate(value)).toBe(false);
  });

  it.each([
    ['2025-01-17T11:18:33+00:00', '2025-01-17T11:18:33.000Z'],
    ['2026-04-29T12:53:00+01:00', '2026-04-29T11:53:00.000Z'],
    ['2024-02-19T15:41:53.000+0530', '2024-02-19T10:11:53.000Z'],
    ['2024-02-19T15:41:53.123456Z', '2024-02-19T15:41:53.123Z'],
    ['2024-02-19T15:41Z', '2024-02-19T15:41:00.000Z'],
    ['2024-02-19 15:41:53-05', '2024-02-19T20:41:53.000Z'],
    [1711967626000, '2024-04-01T10:33:46.000Z'],
  ])('parses %p as %s', (input, expected) => {
    expect(parseDateTime(input)).toBe(expected);
  });

  it.each([
    '2024-02-19T15:41:53',
    '2024-02-30T00:00:00Z',
    '2024-02-19T25:00:00Z',
    'yesterday',
    1.5,
    Number.NaN,
    // Beyond what Date formats, or years it could not read back.
    9e15,
    -62_000_000_000_000,
    '0100-01-01T00:30:00+01:00',
    // Offsets outside RFC 3339's ±23:59.
    '2025-01-01T00:00:00+99:99',
    '2025-01-01T00:00:00-24:00',
    '2025-01-01T00:00:00+05:60',
  ])('refuses %p', (input) => {
    expect(parseDateTime(input)).toBeUndefined();
  });

  it('recognises normalized instants only', () => {
    expect(isIsoDateTime('2025-01-17T11:18:33.000Z')).toBe(true);
    expect(isIsoDateTime('2025-01-17T11:18:33Z')).toBe(false);
  });

  it('reads the written calendar date of a datetime', () => {
    expect(localDateOf('2027-04-29T00:00:00+01:00')).toBe('2027-04-29');
    expect(localDateOf('2027-04-29')).toBe('2027-04-29');
    expect(localDateOf('2027-02-30T00:00:00Z')).toBeUndefined();
  });

  it('finds the next UTC midnight', () => {
    expect(new Date(nextUtcMidnight(Date.parse('2025-06-01T23:59:59.999Z'))).toISOString()).toBe(
      '2025-06-02T00:00:00.000Z',
    );
    expect(new Date(nextUtcMidnight(Date.parse('2025-06-02T00:00:00.000Z'))).toISOString()).toBe(
      '2025-06-03T00:00:00.000Z',
    );
  });

  it('does calendar arithmetic in UTC', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-11-15', 3)).toBe('2025-02-15');
    expect(daysBetween('2025-01-01', '2025-12-31')).toBe(364);
  });
});
