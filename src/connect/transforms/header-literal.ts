import { type ConnectValue, type Schema, Schemas } from '../api/index.js';

/**
 * The schema and value Kafka's Values.parseString infers for InsertHeader's value.literal:
 * true/false → BOOLEAN, integers → the narrowest of INT8..INT64, other numbers → FLOAT32 when
 * finite there, else FLOAT64, anything else → STRING. (Kafka also reads lists, maps and ISO
 * dates from the text; here they stay strings.)
 */
export function parseLiteral(text: string): { schema: Schema; value: ConnectValue } {
  const trimmed = text.trim();
  if (/^(true|false)$/i.test(trimmed))
    return { schema: Schemas.BOOLEAN, value: trimmed.toLowerCase() === 'true' };
  if (/^[+-]?\d+$/.test(trimmed)) {
    const n = BigInt(trimmed);
    if (n >= -128n && n <= 127n) return { schema: Schemas.INT8, value: Number(n) };
    if (n >= -32768n && n <= 32767n) return { schema: Schemas.INT16, value: Number(n) };
    if (n >= -(2n ** 31n) && n < 2n ** 31n) return { schema: Schemas.INT32, value: Number(n) };
    if (n >= -(2n ** 63n) && n < 2n ** 63n)
      return { schema: Schemas.INT64, value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
  }
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const d = Number(trimmed);
    if (Number.isFinite(Math.fround(d))) return { schema: Schemas.FLOAT32, value: Math.fround(d) };
    if (Number.isFinite(d)) return { schema: Schemas.FLOAT64, value: d };
  }
  return { schema: Schemas.STRING, value: text };
}
