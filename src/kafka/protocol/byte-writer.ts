const TWO_32 = 4294967296;
/** Byte runs at least this long are referenced by `attach`, not copied: a fetch's record batches. */
const ATTACH_MIN_BYTES = 4096;

/** A finished run of the frame: a view of a buffer the writer filled (`from` its position), or attached bytes. */
interface Piece {
  readonly bytes: Buffer;
  /** Where the view starts in the writer's positions; -1 for attached bytes. */
  readonly from: number;
}

/**
 * Writes Kafka's primitive types into a growing Buffer. Large byte runs can be attached by reference
 * (`attach`), so a frame is then several pieces (`pieces`), written out with one writev.
 */
export class ByteWriter {
  private buf: Buffer;
  /** The writer's position: bytes written into its own buffers (attached bytes not counted). */
  offset = 0;
  private readonly finished: Piece[] = [];
  /** Where the piece being written starts in `buf`. */
  private start = 0;
  private attached = 0;

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

  /** The bytes written so far (a view, valid until the next write); one copy when bytes were attached. */
  result(): Buffer {
    if (this.finished.length === 0) return this.buf.subarray(0, this.offset);
    return Buffer.concat(this.pieces());
  }

  /** The frame so far as pieces in order: the writer's own bytes and the attached runs between them. */
  pieces(): Buffer[] {
    const out = this.finished.map((p) => p.bytes);
    if (this.offset > this.start || out.length === 0) out.push(this.buf.subarray(this.start, this.offset));
    return out;
  }

  /** Every byte of the frame so far, attached ones included. */
  get size(): number {
    return this.offset + this.attached;
  }

  /**
   * Appends bytes by reference when large (copied when small). The caller must leave them unchanged
   * until the frame is sent.
   */
  attach(b: Buffer): void {
    if (b.length < ATTACH_MIN_BYTES) {
      this.raw(b);
      return;
    }
    if (this.offset > this.start) {
      this.finished.push({ bytes: this.buf.subarray(this.start, this.offset), from: this.start });
    }
    this.finished.push({ bytes: b, from: -1 });
    this.attached += b.length;
    this.start = this.offset;
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
    // A finished piece is a view of the buffer as it was then, which a later growth replaced.
    for (const p of this.finished) {
      if (p.from >= 0 && at >= p.from && at + 4 <= p.from + p.bytes.length)
        p.bytes.writeInt32BE(v, at - p.from);
    }
  }
}
