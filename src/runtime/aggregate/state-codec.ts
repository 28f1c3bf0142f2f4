/**
 * A compact binary form for aggregate accumulators, several times cheaper than V8's serializer on
 * the small values aggregates keep (no serializer object per call, one reused scratch buffer). It
 * covers the plain data accumulators are made of: null, booleans, numbers (-0, NaN and infinities
 * included), bigints, strings, Uint8Arrays, arrays, Maps, Sets and plain objects.
 */

const Tag = {
  Null: 0,
  False: 1,
  True: 2,
  Int32: 3,
  Float64: 4,
  BigInt64: 5,
  BigIntText: 6,
  String: 7,
  Bytes: 8,
  Array: 9,
  Map: 10,
  Set: 11,
  Object: 12,
  /** An aggregate's state, {t, a, k?} (see AggregateState), without the object's key strings. */
  AggregateState: 13,
} as const;
type Tag = (typeof Tag)[keyof typeof Tag];

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

let scratch = Buffer.allocUnsafe(64 * 1024);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, pos + n));
  scratch.copy(grown, 0, 0, pos);
  scratch = grown;
}

function writeLength(n: number): void {
  ensure(4);
  scratch.writeUInt32BE(n, pos);
  pos += 4;
}

function writeString(s: string): void {
  ensure(4 + s.length * 3);
  const written = scratch.write(s, pos + 4, 'utf8');
  scratch.writeUInt32BE(written, pos);
  pos += 4 + written;
}

function write(value: unknown): void {
  ensure(9);
  if (value === null || value === undefined) {
    scratch[pos++] = Tag.Null;
  } else if (typeof value === 'boolean') {
    scratch[pos++] = value ? Tag.True : Tag.False;
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0)) {
      scratch[pos++] = Tag.Int32;
      scratch.writeInt32BE(value, pos);
      pos += 4;
    } else {
      scratch[pos++] = Tag.Float64;
      scratch.writeDoubleBE(value, pos);
      pos += 8;
    }
  } else if (typeof value === 'bigint') {
    if (value >= MIN_INT64 && value <= MAX_INT64) {
      scratch[pos++] = Tag.BigInt64;
      scratch.writeBigInt64BE(value, pos);
      pos += 8;
    } else {
      scratch[pos++] = Tag.BigIntText;
      writeString(value.toString());
    }
  } else if (typeof value === 'string') {
    scratch[pos++] = Tag.String;
    writeString(value);
  } else if (value instanceof Uint8Array) {
    scratch[pos++] = Tag.Bytes;
    writeLength(value.length);
    ensure(value.length);
    scratch.set(value, pos);
    pos += value.length;
  } else if (Array.isArray(value)) {
    scratch[pos++] = Tag.Array;
    writeLength(value.length);
    for (const v of value) write(v);
  } else if (value instanceof Map) {
    scratch[pos++] = Tag.Map;
    writeLength(value.size);
    for (const [k, v] of value) {
      write(k);
      write(v);
    }
  } else if (value instanceof Set) {
    scratch[pos++] = Tag.Set;
    writeLength(value.size);
    for (const v of value) write(v);
  } else if (typeof value === 'object') {
    scratch[pos++] = Tag.Object;
    const keys = Object.keys(value);
    writeLength(keys.length);
    for (const k of keys) {
      writeString(k);
      write((value as Record<string, unknown>)[k]);
    }
  } else {
    throw new TypeError(`an aggregate accumulator cannot hold a ${typeof value}`);
  }
}

/** Encodes a value into a Buffer of its own. */
export function encodeAccumulator(value: unknown): Buffer {
  pos = 0;
  write(value);
  return Buffer.from(scratch.subarray(0, pos));
}

/**
 * Encodes an aggregate's state ({t, a, k?}) more compactly and faster than as a plain object: it is
 * written on every update of every group or window. decodeAccumulator reads it back as that object.
 */
export function encodeAggregateState(
  t: number,
  a: readonly unknown[],
  k: readonly unknown[] | undefined,
): Buffer {
  pos = 0;
  ensure(10);
  scratch[pos++] = Tag.AggregateState;
  scratch.writeDoubleBE(t, pos);
  pos += 8;
  write(a);
  if (k === undefined) {
    ensure(1);
    scratch[pos++] = Tag.Null;
  } else write(k);
  return Buffer.from(scratch.subarray(0, pos));
}

class Reader {
  readonly buf: Buffer;
  at = 0;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  length(): number {
    const n = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return n;
  }

  string(): string {
    const n = this.length();
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  value(): unknown {
    const tag = this.buf[this.at++] as Tag;
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int32: {
        const v = this.buf.readInt32BE(this.at);
        this.at += 4;
        return v;
      }
      case Tag.Float64: {
        const v = this.buf.readDoubleBE(this.at);
        this.at += 8;
        return v;
      }
      case Tag.BigInt64: {
        const v = this.buf.readBigInt64BE(this.at);
        this.at += 8;
        return v;
      }
      case Tag.BigIntText:
        return BigInt(this.string());
      case Tag.String:
        return this.string();
      case Tag.Bytes: {
        const n = this.length();
        // A copy: the input may be lmdb's reused read buffer.
        const v = Buffer.from(this.buf.subarray(this.at, this.at + n));
        this.at += n;
        return v;
      }
      case Tag.Array: {
        const n = this.length();
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case Tag.Map: {
        const n = this.length();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.value();
          out.set(k, this.value());
        }
        return out;
      }
      case Tag.Set: {
        const n = this.length();
        const out = new Set<unknown>();
        for (let i = 0; i < n; i++) out.add(this.value());
        return out;
      }
      case Tag.Object: {
        const n = this.length();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          out[k] = this.value();
        }
        return out;
      }
      case Tag.AggregateState: {
        const t = this.buf.readDoubleBE(this.at);
        this.at += 8;
        const out: Record<string, unknown> = { t, a: this.value() };
        const k = this.value();
        if (k !== null) out.k = k;
        return out;
      }
      default:
        throw new RangeError(`Corrupt aggregate state: unknown tag ${tag} at byte ${this.at - 1}.`);
    }
  }
}

export function decodeAccumulator(bytes: Buffer): unknown {
  return new Reader(bytes).value();
}
