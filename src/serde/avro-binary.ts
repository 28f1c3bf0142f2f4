// Avro's binary encoding over one Buffer and a position: zig-zag varints, little-endian floats,
// length-prefixed bytes and strings. Longs come out as numbers while they fit in 53 bits, else as
// bigints, so the common case makes no bigint.

/** Thrown when the bytes end early or hold an impossible length; the format turns it into a SerdeError. */
export class AvroDataError extends Error {
  override readonly name = 'AvroDataError';
}

export class AvroReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;

  reset(buf: Buffer, pos: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = buf.length;
  }

  private truncated(): never {
    throw new AvroDataError(`the data ends early, at byte ${this.pos} of ${this.end}`);
  }

  readBoolean(): boolean {
    if (this.pos >= this.end) this.truncated();
    return this.buf[this.pos++] !== 0;
  }

  /** An int (or a count, index or length: a long known to be small). */
  readInt(): number {
    return this.readLong() as number;
  }

  /** A long: a number when it fits in 53 bits, else a bigint (the zig-zag varint decoded). */
  readLong(): number | bigint {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++];
    let n = b & 0x7f;
    if (b >= 0x80) {
      b = buf[pos++];
      n |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[pos++];
        n |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[pos++];
          n |= (b & 0x7f) << 21;
          if (b >= 0x80) return this.readLongSlow();
        }
      }
    }
    if (pos > this.end) this.truncated();
    this.pos = pos;
    return (n >>> 1) ^ -(n & 1);
  }

  /** Varints of 4 bytes and more: numbers up to 53 bits, then bigints. */
  private readLongSlow(): number | bigint {
    const buf = this.buf;
    let pos = this.pos;
    let n = 0;
    let scale = 1;
    let b: number;
    let i = 0;
    do {
      if (pos >= this.end) this.truncated();
      b = buf[pos++];
      n += (b & 0x7f) * scale;
      scale *= 128;
      i++;
    } while (b >= 0x80 && i < 7);
    if (b >= 0x80) {
      // Past 49 bits: go on exactly in bigint.
      let big = BigInt(n);
      let shift = 49n;
      do {
        if (pos >= this.end) this.truncated();
        b = buf[pos++];
        big |= BigInt(b & 0x7f) << shift;
        shift += 7n;
        if (shift > 70n) throw new AvroDataError('a varint is longer than 10 bytes');
      } while (b >= 0x80);
      this.pos = pos;
      big = BigInt.asUintN(64, big);
      const value = (big >> 1n) ^ -(big & 1n);
      const asNumber = Number(value);
      return Number.isSafeInteger(asNumber) ? asNumber : value;
    }
    this.pos = pos;
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  readFloat(): number {
    if (this.pos + 4 > this.end) this.truncated();
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    if (this.pos + 8 > this.end) this.truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  private length(): number {
    const n = this.readLong();
    if (typeof n !== 'number' || n < 0 || this.pos + n > this.end)
      throw new AvroDataError(`a length of ${n} at byte ${this.pos} does not fit the ${this.end} bytes`);
    return n;
  }

  readString(): string {
    const n = this.length();
    const start = this.pos;
    this.pos += n;
    return this.buf.toString('utf8', start, start + n);
  }

  /** A copy: the record's buffer may be reused once the batch is processed. */
  readBytes(): Uint8Array {
    const n = this.length();
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /** A view into the record's bytes, for values converted at once (decimals). */
  readBytesView(): Buffer {
    const n = this.length();
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  readFixedView(size: number): Buffer {
    if (this.pos + size > this.end) this.truncated();
    const view = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return view;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.truncated();
    this.pos += n;
  }

  skipBytes(): void {
    // Not `this.pos += this.length()`: that adds to the position from before the length was read.
    const n = this.length();
    this.pos += n;
  }

  /** The item count of the next array or map block (a negative count is followed by the block's size). */
  readBlockCount(): number {
    const n = this.readLong();
    if (typeof n !== 'number') throw new AvroDataError(`an array or map block of ${n} items`);
    if (n < 0) {
      this.readLong();
      return -n;
    }
    return n;
  }
}

export class AvroWriter {
  buf: Buffer = Buffer.allocUnsafe(1024);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A copy of what was written since the last reset. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  writeBoolean(v: boolean): void {
    this.writeByte(v ? 1 : 0);
  }

  /** An int, or a long given as a number (exact up to 2^53). */
  writeLong(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (n >= -0x40000000 && n < 0x40000000) {
      let z = ((n << 1) ^ (n >> 31)) >>> 0;
      while (z > 0x7f) {
        buf[this.pos++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      buf[this.pos++] = z;
      return;
    }
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    while (z >= 0x80) {
      buf[this.pos++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    buf[this.pos++] = z;
  }

  writeBigLong(n: bigint): void {
    const asNumber = Number(n);
    if (Number.isSafeInteger(asNumber)) {
      this.writeLong(asNumber);
      return;
    }
    this.ensure(10);
    let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  writeFloat(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  writeDouble(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  writeString(s: string): void {
    // Short ASCII strings are the common case: write them without measuring first.
    const n = s.length;
    if (n < 64) {
      this.ensure(n * 3 + 1);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n << 1;
        this.pos = start + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.writeLong(bytes);
    this.ensure(bytes);
    this.buf.write(s, this.pos, bytes, 'utf8');
    this.pos += bytes;
  }

  writeBytes(b: Uint8Array): void {
    this.writeLong(b.length);
    this.writeRaw(b);
  }

  writeRaw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/** A two's-complement big-endian integer (Avro's decimal bytes) as a bigint. */
export function bigIntFromTwosComplement(bytes: Uint8Array): bigint {
  const n = bytes.length;
  if (n === 0) return 0n;
  if (n <= 6) {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + bytes[i];
    if (bytes[0] & 0x80) v -= 2 ** (8 * n);
    return BigInt(v);
  }
  let hex = '';
  for (let i = 0; i < n; i++) hex += bytes[i].toString(16).padStart(2, '0');
  const unsigned = BigInt(`0x${hex}`);
  return bytes[0] & 0x80 ? unsigned - (1n << BigInt(8 * n)) : unsigned;
}

/** The shortest two's-complement big-endian bytes of `v` (at least one byte), or exactly `size` bytes. */
export function twosComplementOf(v: bigint, size?: number): Buffer {
  let length = 1;
  while (v < -(1n << BigInt(8 * length - 1)) || v >= 1n << BigInt(8 * length - 1)) length++;
  if (size !== undefined) {
    if (length > size) throw new RangeError(`${v} does not fit in ${size} bytes`);
    length = size;
  }
  const out = Buffer.alloc(length);
  let u = BigInt.asUintN(8 * length, v);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return out;
}
