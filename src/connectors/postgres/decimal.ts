import { type ConnectValue, DataException } from '../../connect/api/index.js';

// Connect's Decimal value is an { unscaled, scale } pair, carried on the wire as the unscaled
// value's big-endian two's-complement bytes; PostgreSQL reads and writes decimals as text. The
// connectors convert between these here (src/connect/converters has its own copy, but connectors
// may use only the connect API).

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

/** BigInteger.toByteArray: the shortest big-endian two's-complement bytes of `n`. */
export function unscaledToBytes(n: bigint): Uint8Array {
  let bytes = 1;
  while (n < -(1n << BigInt(bytes * 8 - 1)) || n >= 1n << BigInt(bytes * 8 - 1)) bytes++;
  const out = new Uint8Array(bytes);
  let v = BigInt.asUintN(bytes * 8, n);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** new BigInteger(bytes): big-endian two's complement. */
export function bytesToUnscaled(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataException('Invalid bytes for Decimal field: empty');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}
