import type { Decimal } from '../types/index.js';

/** How a decimal is rounded when its scale shrinks; the names follow java.math.RoundingMode. */
export type RoundingMode = 'HALF_UP' | 'HALF_DOWN' | 'FLOOR' | 'CEILING' | 'DOWN';

const powersOfTen: bigint[] = [1n];
function pow10(n: number): bigint {
  for (let i = powersOfTen.length; i <= n; i++) powersOfTen.push(powersOfTen[i - 1] * 10n);
  return powersOfTen[n];
}

/** The same value with `scale` digits after the point, rounding as `mode` says when digits are dropped. */
export function setScale(value: Decimal, scale: number, mode: RoundingMode): Decimal {
  if (scale === value.scale) return value;
  if (scale > value.scale) return { unscaled: value.unscaled * pow10(scale - value.scale), scale };
  const divisor = pow10(value.scale - scale);
  const quotient = value.unscaled / divisor; // truncates toward zero
  const remainder = value.unscaled - quotient * divisor;
  if (remainder === 0n) return { unscaled: quotient, scale };
  const negative = value.unscaled < 0n;
  const twiceRemainder = (negative ? -remainder : remainder) * 2n;
  let awayFromZero: boolean;
  switch (mode) {
    case 'DOWN':
      awayFromZero = false;
      break;
    case 'FLOOR':
      awayFromZero = negative;
      break;
    case 'CEILING':
      awayFromZero = !negative;
      break;
    case 'HALF_UP':
      awayFromZero = twiceRemainder >= divisor;
      break;
    case 'HALF_DOWN':
      awayFromZero = twiceRemainder > divisor;
      break;
  }
  return { unscaled: awayFromZero ? quotient + (negative ? -1n : 1n) : quotient, scale };
}

export function decimalToString(value: Decimal): string {
  if (value.scale <= 0) return (value.unscaled * pow10(-value.scale)).toString();
  const negative = value.unscaled < 0n;
  const digits = (negative ? -value.unscaled : value.unscaled).toString().padStart(value.scale + 1, '0');
  const point = digits.length - value.scale;
  return (negative ? '-' : '') + digits.slice(0, point) + '.' + digits.slice(point);
}

export function decimalToNumber(value: Decimal): number {
  return Number(decimalToString(value));
}

/** Parses plain decimal notation ("-12.340", "5e-3"); returns null when the text is not a number. */
export function parseDecimal(text: string): Decimal | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const fraction = match[3] ?? '';
  const exponent = match[4] ? Number(match[4]) : 0;
  let unscaled = BigInt((match[2] || '0') + fraction);
  if (match[1] === '-') unscaled = -unscaled;
  let scale = fraction.length - exponent;
  if (scale < 0) {
    unscaled *= pow10(-scale);
    scale = 0;
  }
  return { unscaled, scale };
}

/** A double as a decimal with the shortest digits that print it, as Java's BigDecimal.valueOf does. */
export function decimalFromNumber(value: number): Decimal {
  const parsed = parseDecimal(String(value));
  if (parsed === null) throw new RangeError(`${value} cannot be represented as a DECIMAL`);
  return parsed;
}

export function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.unscaled * pow10(scale - a.scale);
  const y = b.unscaled * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isDecimal(value: unknown): value is Decimal {
  return typeof value === 'object' && value !== null && typeof (value as Decimal).unscaled === 'bigint';
}
