// Exact arithmetic on the Decimal run-time representation (unscaled bigint × 10^-scale), with
// java.math.BigDecimal's meaning where ksqlDB relies on it: parsing keeps the written scale,
// HALF_UP rounds halves away from zero, and fitting a DECIMAL(p, s) never rounds silently.
import type { Decimal } from '../types/index.js';

export type DecimalRounding = 'HALF_UP' | 'UNNECESSARY';

/** Raised for decimal text that does not parse, overflow, division by zero and needed rounding. */
export class DecimalError extends RangeError {
  override readonly name = 'DecimalError';
}

// The exponent is bounded so that hostile text ("1e999999999") cannot make us build huge bigints.
const MAX_EXPONENT = 100_000;
const POWERS: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POWERS.push(p);

/** 10^n as a bigint, n ≥ 0. */
export function pow10(n: number): bigint {
  return n < POWERS.length ? POWERS[n] : 10n ** BigInt(n);
}

/**
 * Parses decimal text as `new BigDecimal(text)` does: optional sign, digits with an optional point,
 * optional exponent; no spaces. The scale is the one written ("1.50" → scale 2) and may be negative
 * for exponents ("1e3" → unscaled 1, scale -3); see `parseDecimal` for a scale ≥ 0.
 */
export function parseDecimalExact(text: string): Decimal {
  const len = text.length;
  let i = 0;
  let sign = '';
  const first = text.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) {
    if (first === 45) sign = '-';
    i = 1;
  }
  const intStart = i;
  while (i < len && isDigit(text.charCodeAt(i))) i++;
  const intDigits = text.slice(intStart, i);
  let fracDigits = '';
  if (i < len && text.charCodeAt(i) === 46 /* . */) {
    const fracStart = ++i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    fracDigits = text.slice(fracStart, i);
  }
  if (intDigits.length + fracDigits.length === 0) throw notDecimal(text);
  let exponent = 0;
  if (i < len && (text.charCodeAt(i) | 32) === 101 /* e */) {
    i++;
    const expStart = i;
    if (i < len && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
    const digitsStart = i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    if (i === digitsStart) throw notDecimal(text);
    exponent = Number(text.slice(expStart, i));
    if (!(Math.abs(exponent) <= MAX_EXPONENT))
      throw new DecimalError(`Decimal exponent out of range: ${text}`);
  }
  if (i !== len) throw notDecimal(text);
  return { unscaled: BigInt(sign + (intDigits + fracDigits || '0')), scale: fracDigits.length - exponent };
}

/** Parses decimal text (BigDecimal syntax) to a Decimal with scale ≥ 0, keeping trailing zeros. */
export function parseDecimal(text: string): Decimal {
  const d = parseDecimalExact(text);
  return d.scale >= 0 ? d : { unscaled: d.unscaled * pow10(-d.scale), scale: 0 };
}

/** Plain text without exponent, as BigDecimal.toPlainString: "1.10", "-0.05", "120". */
export function formatDecimal(d: Decimal): string {
  const negative = d.unscaled < 0n;
  const digits = (negative ? -d.unscaled : d.unscaled).toString();
  const sign = negative ? '-' : '';
  if (d.scale <= 0) return d.unscaled === 0n ? '0' : sign + digits + '0'.repeat(-d.scale);
  const padded = digits.length > d.scale ? digits : '0'.repeat(d.scale - digits.length + 1) + digits;
  const point = padded.length - d.scale;
  return `${sign}${padded.slice(0, point)}.${padded.slice(point)}`;
}

/**
 * Text as BigDecimal.toString: plain unless the scale is negative or the value is below 1e-6,
 * then scientific ("1E+3", "1.5E-7"). ksqlDB shows JSON decimals read as strings this way.
 */
export function formatDecimalScientific(d: Decimal): string {
  const negative = d.unscaled < 0n;
  const digits = (negative ? -d.unscaled : d.unscaled).toString();
  const adjusted = digits.length - 1 - d.scale;
  if (d.scale >= 0 && adjusted >= -6) return formatDecimal(d);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** Number of significant digits of the unscaled value (0 has precision 1), as BigDecimal.precision. */
export function decimalPrecision(d: Decimal): number {
  const u = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  return u.toString().length;
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.unscaled, b.unscaled, a.scale];
  if (a.scale > b.scale) return [a.unscaled, b.unscaled * pow10(a.scale - b.scale), a.scale];
  return [a.unscaled * pow10(b.scale - a.scale), b.unscaled, b.scale];
}

/** -1, 0 or 1 by numeric value; scale does not matter (1.0 equals 1.00). */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Exact sum; the scale is the larger of the two. */
export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { unscaled: x + y, scale };
}

/** Exact difference; the scale is the larger of the two. */
export function subtractDecimals(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { unscaled: x - y, scale };
}

/** Exact product; the scale is the sum of the two. */
export function multiplyDecimals(a: Decimal, b: Decimal): Decimal {
  return { unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale };
}

/** num / den rounded to an integer by `rounding`; den ≠ 0. */
function divideRounded(num: bigint, den: bigint, rounding: DecimalRounding): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  if (rounding === 'UNNECESSARY') throw new DecimalError('Rounding necessary');
  const twiceRest = 2n * (r < 0n ? -r : r);
  const absDen = den < 0n ? -den : den;
  if (twiceRest < absDen) return q;
  return num < 0n === den < 0n ? q + 1n : q - 1n;
}

/** a / b with the given result scale, rounded HALF_UP unless told otherwise. */
export function divideDecimals(
  a: Decimal,
  b: Decimal,
  scale: number,
  rounding: DecimalRounding = 'HALF_UP',
): Decimal {
  if (b.unscaled === 0n) throw new DecimalError('Division by zero');
  const shift = scale + b.scale - a.scale;
  const num = shift >= 0 ? a.unscaled * pow10(shift) : a.unscaled;
  const den = shift >= 0 ? b.unscaled : b.unscaled * pow10(-shift);
  return { unscaled: divideRounded(num, den, rounding), scale };
}

/** The same value at another scale, rounded HALF_UP unless told otherwise ('UNNECESSARY' throws). */
export function rescaleDecimal(d: Decimal, scale: number, rounding: DecimalRounding = 'HALF_UP'): Decimal {
  if (scale === d.scale) return d;
  if (scale > d.scale) return { unscaled: d.unscaled * pow10(scale - d.scale), scale };
  return { unscaled: divideRounded(d.unscaled, pow10(d.scale - scale), rounding), scale };
}

/**
 * The value as a DECIMAL(precision, scale), as ksqlDB's DecimalUtil.ensureFit: it must be below
 * 10^(precision - scale) in magnitude and must not need rounding; trailing zeros are added.
 */
export function fitDecimal(d: Decimal, precision: number, scale: number): Decimal {
  const integerDigits = precision - scale;
  const magnitude = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  // |d| >= 10^integerDigits  ⇔  |unscaled| >= 10^(integerDigits + d.scale)
  const limitExponent = integerDigits + d.scale;
  if (limitExponent <= 0 ? magnitude > 0n : magnitude >= pow10(limitExponent)) {
    throw new DecimalError(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an ` +
        `absolute value less than 10^${integerDigits}. Got ${formatDecimal(d)}`,
    );
  }
  try {
    return rescaleDecimal(d, scale, 'UNNECESSARY');
  } catch {
    throw new DecimalError(
      `Cannot fit decimal '${formatDecimal(d)}' into DECIMAL(${precision}, ${scale}) without rounding. ` +
        `(Requires ${decimalPrecision(d)},${d.scale})`,
    );
  }
}

/** The nearest double (correctly rounded, via the decimal text). */
export function decimalToNumber(d: Decimal): number {
  return Number(formatDecimal(d));
}

/** Whole part toward zero, as BigDecimal.toBigInteger; cheap for huge exponents. */
export function truncateDecimal(d: Decimal): bigint {
  if (d.scale <= 0) return d.unscaled * pow10(-d.scale);
  return d.unscaled / pow10(d.scale);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function notDecimal(text: string): DecimalError {
  return new DecimalError(`Not a decimal number: '${text.length > 40 ? text.slice(0, 40) + '…' : text}'`);
}
