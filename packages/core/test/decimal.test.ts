import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDecimals,
  compareDecimals,
  decimalScale,
  decimalToJson,
  decimalToMinorUnits,
  decimalToNumber,
  formatDecimalFixed,
  isCanonicalDecimal,
  minorUnitsToDecimal,
  parseDecimal,
  toDecimal,
  unsafeJsonNumber,
} from '../src/model/decimal.ts';

import { GoalInputSchema } from '../src/model/goal.ts';

/** Arbitrary canonical decimal built from an integer and a scale, so it is exact by construction. */
const decimalArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, scale]) => minorUnitsToDecimal(units, scale));

describe('parseDecimal', () => {
  it.each([
    ['12.50', '12.5'],
    ['0012', '12'],
    ['+7', '7'],
    ['-0.000', '0'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1e3', '1000'],
    ['1.25E-2', '0.0125'],
    [100, '100'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-3.5, '-3.5'],
    [123n, '123'],
    ['12345678901234567890.123456789', '12345678901234567890.123456789'],
  ])('reads %p as %p', (input, expected) => {
    expect(parseDecimal(input)).toBe(expected);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    'ten',
    '1,5',
    '0x10',
    '1e',
    'NaN',
    'Infinity',
    '--1',
    '1.2.3',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
    {},
    true,
  ])('refuses %p', (input) => {
    expect(parseDecimal(input)).toBeUndefined();
  });

  it('toDecimal throws a RangeError naming the value', () => {
    expect(() => toDecimal('abc')).toThrow(/"abc"/);
  });

  it('is idempotent and canonical for any decimal', () => {
    fc.assert(
      fc.property(decimalArb, (value) => {
        expect(isCanonicalDecimal(value)).toBe(true);
        expect(parseDecimal(value)).toBe(value);
      }),
    );
  });

  it('reads trailing zeros, leading zeros and exponents to the same value', () => {
    fc.assert(
      fc.property(decimalArb, fc.integer({ min: 0, max: 5 }), (value, zeros) => {
        const padded = value.includes('.') ? value + '0'.repeat(zeros) : `${value}.${'0'.repeat(zeros)}`;
        expect(parseDecimal(padded)).toBe(value);
        expect(parseDecimal(`${value}e0`)).toBe(value);
      }),
    );
  });
});

describe('unsafeJsonNumber', () => {
  it('refuses an integer JSON.parse may have rounded, saying to write it as a string', () => {
    for (const text of ['12345678901234567890', '9007199254740993', '-9007199254740993', '1e21']) {
      expect(unsafeJsonNumber(JSON.parse(text)), text).toMatch(
        /^must be written as a string: .*9007199254740991/,
      );
    }
    expect(unsafeJsonNumber(JSON.parse('9007199254740993'))).toContain('reads as 9007199254740992');
  });

  it('accepts safe integers, fractions and text, which JSON holds as written', () => {
    for (const value of [0, 9007199254740991, -9007199254740991, 0.1, 1.5e-7, '12345678901234567890', 12n])
      expect(unsafeJsonNumber(value)).toBeUndefined();
  });
});

describe('minor units', () => {
  it('converts exactly both ways for every scale the currency allows', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
        fc.integer({ min: 0, max: 4 }),
        (units, exponent) => {
          const decimal = minorUnitsToDecimal(units, exponent);
          expect(decimalToMinorUnits(decimal, exponent)).toBe(units);
        },
      ),
    );
  });

  it('reads pennies given as text or integer', () => {
    expect(minorUnitsToDecimal('4000', 2)).toBe('40');
    expect(minorUnitsToDecimal(1234, 2)).toBe('12.34');
    expect(minorUnitsToDecimal(5n, 3)).toBe('0.005');
    expect(minorUnitsToDecimal('-1', 2)).toBe('-0.01');
  });

  it('refuses non-integer minor units', () => {
    expect(() => minorUnitsToDecimal('12.5', 2)).toThrow(RangeError);
    expect(() => minorUnitsToDecimal(1.5, 2)).toThrow(RangeError);
  });

  it('refuses more decimals than the currency has instead of rounding', () => {
    expect(decimalToMinorUnits('12.34', 2)).toBe(1234n);
    expect(decimalToMinorUnits('12.3', 2)).toBe(1230n);
    expect(() => decimalToMinorUnits('12.345', 2)).toThrow(/3 decimal places; at most 2/);
    expect(() => decimalToMinorUnits('1.5', 0)).toThrow(RangeError);
  });

  it('accepts trailing zeros beyond the exponent', () => {
    expect(decimalToMinorUnits('12.3400', 2)).toBe(1234n);
  });
});

describe('compareDecimals', () => {
  it('agrees with exact integer comparison', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const scale = 12;
        const x = decimalToMinorUnits(a, scale);
        const y = decimalToMinorUnits(b, scale);
        expect(compareDecimals(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });
});

describe('decimalToNumber', () => {
  it('gives the JSON number when it is exact', () => {
    expect(decimalToNumber('0.1')).toBe(0.1);
    expect(decimalToNumber('250000')).toBe(250000);
    expect(decimalToNumber('-12.75')).toBe(-12.75);
  });

  it('refuses values a double cannot hold exactly', () => {
    expect(() => decimalToNumber('9007199254740993')).toThrow(/losing precision/);
    expect(() => decimalToNumber('0.12345678901234567890')).toThrow(RangeError);
  });
});

describe('sums and JSON', () => {
  it('adds exactly, whatever the scales', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('-1.005', '1')).toBe('-0.005');
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        expect(decimalToMinorUnits(addDecimals(a, b), 12)).toBe(
          decimalToMinorUnits(a, 12) + decimalToMinorUnits(b, 12),
        );
      }),
    );
  });

  it('sends a number only when it is exact, else the text', () => {
    expect(decimalToJson('250000.5')).toBe(250000.5);
    expect(decimalToJson('9007199254740993')).toBe('9007199254740993');
  });
});

describe('formatting', () => {
  it('writes a fixed scale without rounding', () => {
    expect(formatDecimalFixed('1', 3)).toBe('1.000');
    expect(formatDecimalFixed('-0.5', 3)).toBe('-0.500');
    expect(formatDecimalFixed('42', 0)).toBe('42');
    expect(() => formatDecimalFixed('0.0001', 3)).toThrow(RangeError);
  });

  it('reports the scale of a canonical decimal', () => {
    expect(decimalScale('12')).toBe(0);
    expect(decimalScale('12.05')).toBe(2);
  });
});

describe('decimals read from JSON numbers', () => {
  it.each([
    ['12345678901234567890', 'beyond 2^53'],
    ['9007199254740993', 'one past 2^53'],
  ])('refuses %s (%s) in a goal, which JSON.parse may have rounded, and takes it as a string', (text) => {
    const line = (value: string) =>
      `{"title":"T","measure":{"kind":"count","metric":"m"},"target":{"value":${value}}}`;
    const asNumber = GoalInputSchema.safeParse(JSON.parse(line(text)));
    expect(asNumber.success).toBe(false);
    expect(asNumber.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['target.value', expect.stringMatching(/^must be written as a string/)],
    ]);
    expect(GoalInputSchema.parse(JSON.parse(line(`"${text}"`))).target?.value).toBe(text);
  });
});
