// Number and byte text the way ksqlDB's Java side writes and reads it, so that output bytes match
// what ksqlDB produces and input that ksqlDB accepts is accepted here.

export { formatDoubleLikeJava } from '../types/index.js';

// Double.parseDouble: surrounding whitespace, sign, NaN/Infinity, digits with optional point and
// exponent, an optional f/F/d/D suffix. (Hexadecimal floats are not accepted.)
const JAVA_DOUBLE =
  /^[\0-\x20]*([+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))[fFdD]?[\0-\x20]*$/;

/** Double.parseDouble's reading of text, or undefined where Java would throw. */
export function parseDoubleLikeJava(text: string): number | undefined {
  const m = JAVA_DOUBLE.exec(text);
  return m ? Number(m[1]) : undefined;
}

const INT_TEXT = /^[+-]?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Integer.parseInt: optional sign then digits, within 32 bits; undefined where Java throws. */
export function parseIntLikeJava(text: string): number | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  const n = Number(text);
  return n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
}

/** Long.parseLong: optional sign then digits, within 64 bits; undefined where Java throws. */
export function parseLongLikeJava(text: string): bigint | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** Boolean.parseBoolean: "true" in any case is true, anything else false. */
export function parseBooleanLikeJava(text: string): boolean {
  return text.length === 4 && text.toLowerCase() === 'true';
}

// Standard alphabet; padding optional (java.util.Base64's decoder accepts both), nothing else.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict standard base64 decoding; undefined for text that is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0 ? text.length % 4 !== 0 : text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
