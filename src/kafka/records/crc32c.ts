/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's record batch v2.
 * Node's zlib.crc32 is the IEEE polynomial, which is the wrong one here. Slicing-by-8 tables: eight
 * bytes per step, several times the speed of the byte-at-a-time loop on produce-sized batches.
 */
const TABLES: Uint32Array[] = (() => {
  const t: Uint32Array[] = [];
  const base = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    base[n] = c >>> 0;
  }
  t.push(base);
  for (let s = 1; s < 8; s++) {
    const prev = t[s - 1];
    const next = new Uint32Array(256);
    for (let n = 0; n < 256; n++) next[n] = (base[prev[n] & 0xff] ^ (prev[n] >>> 8)) >>> 0;
    t.push(next);
  }
  return t;
})();

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let crc = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    crc ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    crc =
      t7[crc & 0xff] ^
      t6[(crc >>> 8) & 0xff] ^
      t5[(crc >>> 16) & 0xff] ^
      t4[crc >>> 24] ^
      t3[buf[i + 4]] ^
      t2[buf[i + 5]] ^
      t1[buf[i + 6]] ^
      t0[buf[i + 7]];
  }
  for (; i < end; i++) crc = t0[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
