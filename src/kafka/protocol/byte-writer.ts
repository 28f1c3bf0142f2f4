const TWO_32 = 4294967296;

/** Writes Kafka's primitive types into a growing Buffer. */
export class ByteWriter {
  private buf: Buffer;
  offset = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.offset + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.offset + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** The bytes written so far (a view, valid until the next write). */
  result(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  int8(v: number): void {
    this.ensure(1);
    this.offset = this.buf.writeInt8(v, this.offset);
  }
  int16(v: number): void {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
  }
  uint16(v: number): void {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
  }
  int32(v: number): void {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
  }
  uint32(v: number): void {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v >>> 0, this.offset);
  }
  int64(v: number): void {
    this.ensure(8);
    this.buf.writeInt32BE(Math.floor(v / TWO_32), this.offset);
    this.buf.writeUInt32BE(v >>> 0, this.offset + 4);
    this.offset += 8;
  }
  float64(v: number): void {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
  }
  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
  }
  uuid(v: Buffer | null): void {
    this.ensure(16);
    if (v === null || v.length !== 16) this.buf.fill(0, this.offset, this.offset + 16);
    else v.copy(this.buf, this.offset);
    this.offset += 16;
  }
  raw(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.offset);
    this.offset += b.length;
  }

  unsignedVarint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.offset++] = v;
  }
  varint(v: number): void {
    this.unsignedVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  varlong(v: number): void {
    this.unsignedVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  length(n: number, compact: boolean, wide: boolean): void {
    if (compact) this.unsignedVarint(n + 1);
    else if (wide) this.int32(n);
    else this.int16(n);
  }

  string(v: string | null, compact: boolean): void {
    if (v === null) {
      this.length(-1, compact, false);
      return;
    }
    const n = Buffer.byteLength(v);
    this.length(n, compact, false);
    this.ensure(n);
    this.offset += this.buf.write(v, this.offset, 'utf8');
  }

  bytes(v: Buffer | null, compact: boolean): void {
    if (v === null) {
      this.length(-1, compact, true);
      return;
    }
    this.length(v.length, compact, true);
    this.raw(v);
  }

  /** Reserves an int32 to be filled later (a frame's size). */
  reserveInt32(): number {
    this.ensure(4);
    const at = this.offset;
    this.offset += 4;
    return at;
  }
  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }
}
