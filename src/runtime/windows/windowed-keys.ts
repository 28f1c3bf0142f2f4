/**
 * Windowed keys on the wire, as Kafka Streams writes them for every key format (KAFKA, JSON,
 * DELIMITED, …): the inner key's bytes, then for a time window its 8-byte big-endian start, for a
 * session its 8-byte end then 8-byte start. A time window's end is not written: readers take it from
 * the source's WINDOW_SIZE.
 */
import { readTime, writeTime } from '../state/store-keys.js';

export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

/** A windowed key that is too short to hold its window. */
export class WindowedKeyError extends Error {
  readonly code = 'WINDOWED_KEY';
  constructor(message: string) {
    super(message);
    this.name = 'WindowedKeyError';
  }
}

export function serializeTimeWindowedKey(key: Uint8Array, windowStart: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 8);
  out.set(key, 0);
  writeTime(out, key.length, windowStart);
  return out;
}

export function serializeSessionWindowedKey(key: Uint8Array, window: WindowBounds): Buffer {
  const out = Buffer.allocUnsafe(key.length + 16);
  out.set(key, 0);
  writeTime(out, key.length, window.end);
  writeTime(out, key.length + 8, window.start);
  return out;
}

/** Splits a time-windowed key; the window's end is start + `windowSizeMs`. */
export function deserializeTimeWindowedKey(
  bytes: Uint8Array,
  windowSizeMs: number,
): { key: Buffer; window: WindowBounds } {
  if (bytes.length < 8) {
    throw new WindowedKeyError(
      `A time-windowed key needs at least 8 bytes (the window start), got ${bytes.length}: is the source really windowed?`,
    );
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const start = readTime(buf, buf.length - 8);
  return { key: buf.subarray(0, buf.length - 8), window: { start, end: start + windowSizeMs } };
}

export function deserializeSessionWindowedKey(bytes: Uint8Array): { key: Buffer; window: WindowBounds } {
  if (bytes.length < 16) {
    throw new WindowedKeyError(
      `A session-windowed key needs at least 16 bytes (window end and start), got ${bytes.length}: is the source really session-windowed?`,
    );
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const end = readTime(buf, buf.length - 16);
  const start = readTime(buf, buf.length - 8);
  return { key: buf.subarray(0, buf.length - 16), window: { start, end } };
}
