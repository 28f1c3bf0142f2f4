import { parseDecimalExact, rescaleDecimal } from '../../serde/index.js';
import type { Decimal } from '../../types/index.js';
import {
  bytesToUnscaled,
  type ConnectValue,
  DataException,
  LOGICAL,
  type Schema,
  unscaledToBytes,
} from '../api/index.js';

// The value of a Connect Decimal (org.apache.kafka.connect.data.Decimal) is, in Sluice, the same
// { unscaled, scale } pair the SQL engine uses for DECIMAL; on the wire it is the unscaled value as
// big-endian two's-complement bytes, with the scale in the schema's "scale" parameter.

export type { Decimal };

export function isDecimalValue(value: ConnectValue): value is ConnectValue & Decimal {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { unscaled?: unknown }).unscaled === 'bigint' &&
    typeof (value as { scale?: unknown }).scale === 'number'
  );
}

/** A Decimal as a Connect value (ConnectValue has no member of its own for decimals). */
export function decimalAsConnectValue(d: Decimal): ConnectValue {
  return { unscaled: d.unscaled, scale: d.scale };
}

export function isDecimalSchema(schema: Schema | null): boolean {
  return schema?.name === LOGICAL.decimal;
}

/** The "scale" parameter of a Decimal schema. */
export function decimalScale(schema: Schema): number {
  const text = schema.parameters?.scale;
  const scale = text === undefined ? Number.NaN : Number(text);
  if (!Number.isInteger(scale)) throw new DataException('Invalid Decimal schema: scale parameter not found.');
  return scale;
}

/** Decimal.fromLogical: the bytes of a decimal whose scale must be the schema's. */
export function decimalToBytes(schema: Schema, value: Decimal): Uint8Array {
  if (value.scale !== decimalScale(schema))
    throw new DataException('BigDecimal has mismatching scale value for given Decimal schema');
  return unscaledToBytes(value.unscaled);
}

export function bytesToDecimal(schema: Schema, bytes: Uint8Array): Decimal {
  return { unscaled: bytesToUnscaled(bytes), scale: decimalScale(schema) };
}

/**
 * A Decimal value from what a connector handed over: a Decimal as is; decimal text or a number
 * (a convenience Kafka's Java API has no need for) at the schema's scale when that loses nothing.
 */
export function toDecimalValue(schema: Schema, value: ConnectValue): Decimal {
  if (isDecimalValue(value)) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    try {
      return rescaleDecimal(parseDecimalExact(String(value)), decimalScale(schema), 'UNNECESSARY');
    } catch {
      throw new DataException(
        `Invalid value for Decimal with scale ${decimalScale(schema)}: ${String(value)}`,
      );
    }
  }
  throw new DataException(`Invalid type for Decimal, expected a decimal value but was ${typeof value}`);
}
