/**
 * Exact decimal arithmetic on strings and bigints. Targets and money move between systems as decimal strings
 * or integer minor units; none of these helpers route a value through binary floating point.
 */

/** A canonical decimal: optional `-`, no leading zeros, no exponent, no trailing fractional zeros ("12.5", "0", "-3"). */
export type DecimalString = string;

interface ScaledInteger {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const DECIMAL_INPUT = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d{1,4}))?$/;
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** True when `value` is already in canonical form. */
export function isCanonicalDecimal(value: unknown): value is DecimalString {
  return typeof value === 'string' && CANONICAL_DECIMAL.test(value) && value !== '-0';
}

function parseScaled(input: string): ScaledInteger | undefined {
  const match = DECIMAL_INPUT.exec(input);
  if (!match) return undefined;
  const [, sign = '', body = '', exponentText] = match;
  const [whole = '', fraction = ''] = body.split('.');
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  let digits = `${whole}${fraction}` || '0';
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits);
  return { units: sign === '-' ? -units : units, scale };
}

function toScaled(input: string | number | bigint): ScaledInteger | undefined {
  if (typeof input === 'bigint') return { units: input, scale: 0 };
  if (typeof input === 'number') {
    // String(n) is the shortest text that reads back as n: the value a JSON document or a user meant.
    return Number.isFinite(input) ? parseScaled(String(input)) : undefined;
  }
  return typeof input === 'string' ? parseScaled(input) : undefined;
}

function formatScaled({ units, scale }: ScaledInteger): DecimalString {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    const whole = digits.slice(0, -scale);
    const fraction = digits.slice(-scale).replace(/0+$/, '');
    digits = fraction ? `${whole}.${fraction}` : whole;
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/**
 * The general reading behind {@link parseDecimal}: every decimal through its scaled integer. Exported for the
 * property tests that hold the fast paths to it; not part of the package's API.
 */
export function parseDecimalGeneral(input: string | number | bigint): DecimalString | undefined {
  const scaled = toScaled(input);
  return scaled && formatScaled(scaled);
}

/** Canonical form of a decimal given as text, JSON number or bigint; `undefined` when it is not a finite decimal. */
export function parseDecimal(input: unknown): DecimalString | undefined {
  // Fast path: most decimals are canonical already (text this library wrote, whole JSON numbers), and the
  // general reading gives canonical text back unchanged, so it is returned as it is. A finite number is read
  // through String(n) either way.
  if (typeof input === 'string' && isCanonicalDecimal(input)) return input;
  if (typeof input === 'number' && Number.isFinite(input)) {
    const text = String(input);
    return isCanonicalDecimal(text) ? text : parseDecimalGeneral(text);
  }
  if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'bigint') return undefined;
  return parseDecimalGeneral(input);
}

/**
 * Why a JSON number cannot be taken for the decimal it was written as, or `undefined`. An integer beyond
 * Number.MAX_SAFE_INTEGER may already have been rounded by `JSON.parse` (9007199254740993 reads as
 * 9007199254740992), and nothing tells whether it was: such a value must come as text. For schemas and mappers
 * that read decimals from JSON; {@link parseDecimal} itself reads any number as the value it holds.
 */
export function unsafeJsonNumber(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value)) return undefined;
  const limit = Number.MAX_SAFE_INTEGER;
  return `must be written as a string: a JSON number beyond ±${limit} may have been rounded when read (this one reads as ${String(value)})`;
}

/** Like {@link parseDecimal} but throws a RangeError naming the bad value. */
export function toDecimal(input: string | number | bigint): DecimalString {
  const value = parseDecimal(input);
  if (value === undefined)
    throw new RangeError(`not a finite decimal number: ${JSON.stringify(String(input))}`);
  return value;
}

/** Number of digits after the decimal point in canonical form ("1.50" → 1). */
export function decimalScale(value: DecimalString): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}

function requireScaled(value: DecimalString): ScaledInteger {
  const scaled = toScaled(value);
  if (!scaled) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  return scaled;
}

/** Compares canonical decimals of one sign as text: length of the whole part, then the characters. */
function compareSameSign(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  const aDot = a.indexOf('.');
  const bDot = b.indexOf('.');
  const aWhole = aDot === -1 ? a.length : aDot;
  const bWhole = bDot === -1 ? b.length : bDot;
  if (aWhole !== bWhole) return aWhole < bWhole ? -1 : 1;
  // Canonical fractions have no trailing zeros, so a shorter equal prefix is the smaller value.
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareCanonical(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  const negative = a.startsWith('-');
  if (negative !== b.startsWith('-')) return negative ? -1 : 1;
  return negative ? compareSameSign(b, a) : compareSameSign(a, b); // a larger negative is a smaller number
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareDecimals(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  // Fast path for canonical operands (what the Goal model holds): no BigInt needed.
  if (isCanonicalDecimal(a) && isCanonicalDecimal(b)) return compareCanonical(a, b);
  const x = requireScaled(a);
  const y = requireScaled(b);
  const scale = Math.max(x.scale, y.scale);
  const left = x.units * 10n ** BigInt(scale - x.scale);
  const right = y.units * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Integer minor units of `value` for a currency with `exponent` fraction digits ("12.34", 2 → 1234n).
 * Throws a RangeError when the value has more fraction digits than the currency allows: rounding money
 * silently is exactly the loss this library exists to avoid.
 */
export function decimalToMinorUnits(value: DecimalString, exponent: number): bigint {
  // Fast path for canonical text: its digits are the units and its fraction length the scale.
  if (isCanonicalDecimal(value) && Number.isInteger(exponent)) {
    const scale = decimalScale(value);
    if (scale > exponent)
      throw new RangeError(`${value} has ${scale} decimal places; at most ${exponent} allowed`);
    return BigInt(value.replace('.', '') + '0'.repeat(exponent - scale));
  }
  const canonical = requireScaled(formatScaled(requireScaled(value)));
  if (canonical.scale > exponent) {
    throw new RangeError(`${value} has ${canonical.scale} decimal places; at most ${exponent} allowed`);
  }
  return canonical.units * 10n ** BigInt(exponent - canonical.scale);
}

/** The decimal value of integer minor units (1234n or "1234", 2 → "12.34"). */
export function minorUnitsToDecimal(units: bigint | string | number, exponent: number): DecimalString {
  let integer: bigint;
  if (typeof units === 'bigint') integer = units;
  else if (typeof units === 'number' && Number.isSafeInteger(units)) integer = BigInt(units);
  else if (typeof units === 'string' && /^-?\d+$/.test(units)) integer = BigInt(units);
  else throw new RangeError(`minor units must be an integer, got ${JSON.stringify(String(units))}`);
  return formatScaled({ units: integer, scale: exponent });
}

/**
 * The JSON number for a decimal, only when the number reads back as exactly the same decimal
 * ("0.1" → 0.1, but "9007199254740993" throws): for APIs that insist on numbers.
 */
export function decimalToNumber(value: DecimalString): number {
  const number = Number(value);
  // Fast path: when the number prints as the very text, both sides of the check below read the same string.
  if (Number.isFinite(number) && String(number) === value) return number;
  if (!Number.isFinite(number) || parseDecimal(number) !== parseDecimal(value)) {
    throw new RangeError(`${value} cannot be sent as a JSON number without losing precision`);
  }
  return number;
}

/**
 * A decimal as JSON for APIs that accept both: the number when a double holds it exactly, else the text
 * (`"9007199254740993"`), so nothing is rounded on the way out.
 */
export function decimalToJson(value: DecimalString): number | string {
  try {
    return decimalToNumber(value);
  } catch {
    return value;
  }
}

/** The exact sum of two decimals. */
export function addDecimals(a: DecimalString, b: DecimalString): DecimalString {
  const x = requireScaled(a);
  const y = requireScaled(b);
  const scale = Math.max(x.scale, y.scale);
  const units = x.units * 10n ** BigInt(scale - x.scale) + y.units * 10n ** BigInt(scale - y.scale);
  return formatScaled({ units, scale });
}

/** Fixed-scale text for APIs that want a given number of decimals ("1", 3 → "1.000"). Never rounds. */
export function formatDecimalFixed(value: DecimalString, scale: number): string {
  const units = decimalToMinorUnits(value, scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
