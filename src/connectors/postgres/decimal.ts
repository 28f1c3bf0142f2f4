import type { ConnectValue } from '../../connect/api/index.js';

// Connect's Decimal value is an { unscaled, scale } pair, carried on the wire as the unscaled
// value's big-endian two's-complement bytes (connect/api converts those); PostgreSQL reads and
// writes decimals as text, which the connectors convert here.

export interface DecimalValue {
  readonly unscaled: bigint;
  readonly scale: number;
}

export function isDecimal(value: ConnectValue): value is ConnectValue & DecimalValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { unscaled?: unknown }).unscaled === 'bigint' &&
    typeof (value as { scale?: unknown }).scale === 'number'
  );
}

/** An exact decimal's text: unscaled 12345, scale 2 → 123.45. */
export function decimalText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** PostgreSQL's text of a finite NUMERIC ("-123.4500"), its scale the digits after the point. */
export function parseDecimalText(text: string): DecimalValue {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const unscaled = BigInt(whole + fraction);
  return { unscaled: negative ? -unscaled : unscaled, scale: fraction.length };
}
