/**
 * Byte layouts of window and session store keys.
 *
 * On disk the key bytes are length-prefixed so one key's windows form one contiguous, time-ordered
 * range that no longer key can fall into. In the changelog they take Kafka Streams' layouts (what
 * ksqlDB's changelog topics hold): a time window is key + 8-byte start + 4-byte sequence number
 * (WindowKeySchema), a session key + 8-byte end + 8-byte start (SessionKeySchema), all big-endian.
 */

const TWO_32 = 2 ** 32;

/** Writes a non-negative millisecond time as an unsigned 64-bit big-endian number. */
export function writeTime(buf: Buffer, at: number, ms: number): void {
  const t = Math.max(ms, 0);
  buf.writeUInt32BE(Math.floor(t / TWO_32), at);
  buf.writeUInt32BE(t % TWO_32, at + 4);
}

export function readTime(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

/** Longest key lmdb takes (its compiled MDB_MAXKEYSIZE), less room for the prefix and times. */
export const MAX_STORE_KEY_BYTES = 1978;

function prefixed(key: Buffer, timeFields: number): Buffer {
  const out = Buffer.allocUnsafe(2 + key.length + 8 * timeFields);
  out.writeUInt16BE(key.length, 0);
  key.copy(out, 2);
  return out;
}

export function windowStoreKey(key: Buffer, windowStart: number): Buffer {
  const out = prefixed(key, 1);
  writeTime(out, 2 + key.length, windowStart);
  return out;
}

export function sessionStoreKey(key: Buffer, start: number, end: number): Buffer {
  const out = prefixed(key, 2);
  writeTime(out, 2 + key.length, end);
  writeTime(out, 10 + key.length, start);
  return out;
}

/** The user key inside a window or session store key. */
export function keyOfStoreKey(storeKey: Buffer): Buffer {
  return storeKey.subarray(2, 2 + storeKey.readUInt16BE(0));
}

export function windowStartOfStoreKey(storeKey: Buffer): number {
  return readTime(storeKey, storeKey.length - 8);
}

export function sessionOfStoreKey(storeKey: Buffer): { start: number; end: number } {
  return { end: readTime(storeKey, storeKey.length - 16), start: readTime(storeKey, storeKey.length - 8) };
}

export function windowChangelogKey(key: Buffer, windowStart: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 12);
  key.copy(out, 0);
  writeTime(out, key.length, windowStart);
  out.writeUInt32BE(0, key.length + 8);
  return out;
}

export function sessionChangelogKey(key: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 16);
  key.copy(out, 0);
  writeTime(out, key.length, end);
  writeTime(out, key.length + 8, start);
  return out;
}

/** The disk key for a window changelog record's key. */
export function windowStoreKeyOfChangelog(changelogKey: Buffer): Buffer {
  const keyLength = changelogKey.length - 12;
  return windowStoreKey(changelogKey.subarray(0, keyLength), readTime(changelogKey, keyLength));
}

export function sessionStoreKeyOfChangelog(changelogKey: Buffer): Buffer {
  const keyLength = changelogKey.length - 16;
  const end = readTime(changelogKey, keyLength);
  const start = readTime(changelogKey, keyLength + 8);
  return sessionStoreKey(changelogKey.subarray(0, keyLength), start, end);
}
