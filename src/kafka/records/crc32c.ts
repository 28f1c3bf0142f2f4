import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli), the checksum of Kafka's record batch v2, over `buf[start, end)`. Node's
 * zlib.crc32 is the IEEE polynomial, the wrong one here; @node-rs/crc32 computes CRC-32C with the
 * CPU's instructions, about nine times a table-driven JavaScript loop (checked on every produce).
 */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  return nativeCrc32c(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
}
