// Protobuf's wire format over Buffers, by hand: varints, zig-zag, fixed widths and length-delimited
// fields, plus Confluent's message-index array. The PROTOBUF formats compile their row readers and
// writers onto these, so a record is read or written without building protobufjs message objects.

/** Bytes that are not a valid protobuf message (truncated, a bad wire type, a varint too long). */
export class ProtobufDataError extends Error {
  override readonly name = 'ProtobufDataError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;

export class PbReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;

  reset(buf: Buffer, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  private truncated(): never {
    throw new ProtobufDataError(`the message ends inside a field (at byte ${this.pos})`);
  }

  /** A varint's low 32 bits, unsigned (longer varints are read to their end). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) this.truncated();
    let b = buf[pos++];
    let value = b & 0x7f;
    if (b < 0x80) {
      this.pos = pos;
      return value;
    }
    for (let shift = 7; shift < 35; shift += 7) {
      if (pos >= this.end) this.truncated();
      b = buf[pos++];
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    // Bits above 32 (a negative int32 is sign-extended to ten bytes): skipped.
    for (let i = 0; i < 5; i++) {
      if (pos >= this.end) this.truncated();
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new ProtobufDataError(`a varint is longer than 10 bytes (at byte ${this.pos})`);
  }

  int32(): number {
    return this.uint32() | 0;
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** A varint as its low and high 32-bit halves, both unsigned. */
  private varint64(): [number, number] {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let pos = this.pos;
    let i = 0;
    for (; i < 4; i++) {
      if (pos >= this.end) this.truncated();
      const b = buf[pos++];
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) {
        this.pos = pos;
        return [lo >>> 0, 0];
      }
    }
    if (pos >= this.end) this.truncated();
    let b = buf[pos++];
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.pos = pos;
      return [lo >>> 0, hi];
    }
    for (i = 0; i < 5; i++) {
      if (pos >= this.end) this.truncated();
      b = buf[pos++];
      hi |= (b & 0x7f) << (i * 7 + 3);
      if (b < 0x80) {
        this.pos = pos;
        return [lo >>> 0, hi >>> 0];
      }
    }
    throw new ProtobufDataError(`a varint is longer than 10 bytes (at byte ${this.pos})`);
  }

  /** int64 / uint64 (read as Java reads it: signed) as a bigint. */
  int64(): bigint {
    const [lo, hi] = this.varint64();
    return toBigInt(lo, hi);
  }

  sint64(): bigint {
    const [lo, hi] = this.varint64();
    const n = (BigInt(hi) << 32n) | BigInt(lo);
    return (n >> 1n) ^ -(n & 1n);
  }

  /** A varint that fits a double exactly (message lengths, Timestamp seconds). */
  int64Number(): number {
    const [lo, hi] = this.varint64();
    if (hi === 0) return lo;
    return hi >= 0x80000000 ? (hi - TWO_32) * TWO_32 + lo : hi * TWO_32 + lo;
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) this.truncated();
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  sfixed32(): number {
    return this.fixed32() | 0;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) this.truncated();
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  float(): number {
    if (this.pos + 4 > this.end) this.truncated();
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) this.truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length prefix; returns the end of the bytes it announces. */
  lengthEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.end || length > 0x7fffffff) this.truncated();
    return end;
  }

  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return asciiOrUtf8(this.buf, start, end);
  }

  bytes(): Buffer {
    const end = this.lengthEnd();
    const out = Buffer.from(this.buf.subarray(this.pos, end));
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.uint32();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) this.truncated();
        this.pos += 8;
        return;
      case WIRE_LENGTH:
        this.pos = this.lengthEnd();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) this.truncated();
        this.pos += 4;
        return;
      case 3: {
        // A proto2 group: skip fields up to its end tag.
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === 4) return;
          this.skip(tag & 7);
        }
      }
      default:
        throw new ProtobufDataError(`invalid wire type ${wireType} (at byte ${this.pos})`);
    }
  }
}

function toBigInt(lo: number, hi: number): bigint {
  if (hi === 0) return BigInt(lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Short ASCII strings without the UTF-8 decoder's call overhead; anything else through it. */
function asciiOrUtf8(buf: Buffer, start: number, end: number): string {
  if (end - start > 24) return buf.toString('utf8', start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c >= 0x80) return buf.toString('utf8', start, end);
    out += String.fromCharCode(c);
  }
  return out;
}

export class PbWriter {
  buf: Buffer = Buffer.allocUnsafe(256);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned 32-bit varint (tags, lengths, uint32). */
  uint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** int32: negative values are sign-extended to ten bytes, as protobuf writes them. */
  int32(value: number): void {
    if (value >= 0) this.uint32(value);
    else this.int64(BigInt(value | 0));
  }

  sint32(value: number): void {
    this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  int64(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    if (v < 0x80000000n) {
      this.uint32(Number(v));
      return;
    }
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  sint64(value: bigint): void {
    this.int64(BigInt.asUintN(64, (value << 1n) ^ (value >> 63n)));
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, value), this.pos);
    this.pos += 8;
  }

  float(value: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  string(value: string): void {
    // Up to 3 bytes per UTF-16 unit; the length varint is written once the size is known.
    const max = value.length * 3;
    this.ensure(max + 5);
    const start = this.begin(value.length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    this.finish(start);
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /**
   * Starts a length-delimited body: reserves the length's bytes for a body of up to `expected`
   * bytes (1 byte when unknown); `finish` writes the length and moves the body if it needs more.
   */
  begin(expected = 0): number {
    const reserve = varintSize(expected);
    this.ensure(reserve);
    this.pos += reserve;
    return this.pos * 8 + reserve;
  }

  finish(mark: number): void {
    const reserve = mark & 7;
    const bodyStart = (mark - reserve) / 8;
    const length = this.pos - bodyStart;
    const need = varintSize(length);
    if (need !== reserve) {
      this.ensure(need - reserve);
      this.buf.copy(this.buf, bodyStart + need - reserve, bodyStart, this.pos);
      this.pos += need - reserve;
    }
    let at = bodyStart - reserve;
    let v = length;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
  }

  /** A copy of what was written. */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

const FIRST_MESSAGE: readonly number[] = Object.freeze([0]);

/**
 * Confluent's message-index array after the schema id: a zig-zag varint count, then that many
 * zig-zag varints; a count of 0 means [0] (the first message).
 */
export function readMessageIndexes(reader: PbReader): readonly number[] {
  const count = reader.sint32();
  if (count === 0) return FIRST_MESSAGE;
  if (count < 0 || count > 100) throw new ProtobufDataError(`Invalid message indexes: count ${count}`);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(reader.sint32());
  return out;
}

/** The bytes of a message-index array: [0] as the single byte 0. */
export function messageIndexBytes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const w = new PbWriter();
  w.sint32(indexes.length);
  for (const i of indexes) w.sint32(i);
  return w.take();
}
