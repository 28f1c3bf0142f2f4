// PostgreSQL log sequence numbers: "16/B374D848" text, numbers in offsets and the source struct
// (as Debezium's `lsn` field: the 64-bit position as a plain integer, exact below 2^53 bytes of WAL).

/** The position of "XXXXXXXX/YYYYYYYY" (either half may be short), 0 for null or empty. */
export function parseLsn(text: string | null | undefined): bigint {
  if (text === null || text === undefined || text === '') return 0n;
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`Not an LSN: '${text}'`);
  return (BigInt(`0x${text.slice(0, slash)}`) << 32n) | BigInt(`0x${text.slice(slash + 1)}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** An LSN read back from an offset (a number, or a string as some tools write them). */
export function lsnFromOffset(value: unknown): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'string' && value.includes('/')) return parseLsn(value);
  return 0n;
}
