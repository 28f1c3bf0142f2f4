import { MalformedRequestError } from './malformed.js';

const TWO_32 = 4294967296;

/**
 * Reads Kafka's primitive types from one Buffer with a moving offset. Every read checks the bytes
 * are there, so a truncated or lying request fails with MalformedRequestError, never a RangeError
 * deep inside a handler or an allocation the size a length field claims.
 */
export class ByteReader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): number {
    if (n < 0 || this.offset + n > this.end) {
      throw new MalformedRequestError(
        `${what} needs ${n} bytes at offset ${this.offset} but only ${this.end - this.offset} remain`,
      );
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'INT8'));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'INT16'));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2, 'UINT16'));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'INT32'));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4, 'UINT32'));
  }
  /** INT64 as a JavaScript number: offsets, timestamps and ids stay well inside 2^53. */
  int64(): number {
    const at = this.need(8, 'INT64');
    return this.buf.readInt32BE(at) * TWO_32 + this.buf.readUInt32BE(at + 4);
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8, 'FLOAT64'));
  }
  bool(): boolean {
    return this.buf[this.need(1, 'BOOLEAN')] !== 0;
  }
  uuid(): Buffer {
    const at = this.need(16, 'UUID');
    return this.buf.subarray(at, at + 16);
  }

  unsignedVarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.offset >= this.end) throw new MalformedRequestError('UNSIGNED_VARINT runs past the end');
      const b = this.buf[this.offset++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new MalformedRequestError('UNSIGNED_VARINT longer than 5 bytes');
    }
  }

  /** Zigzag VARINT (record fields). */
  varint(): number {
    const n = this.unsignedVarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** Zigzag VARLONG: up to 10 bytes; values beyond 2^53 lose precision, which no field we read reaches. */
  varlong(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.offset >= this.end) throw new MalformedRequestError('VARLONG runs past the end');
      const b = this.buf[this.offset++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new MalformedRequestError('VARLONG longer than 10 bytes');
    }
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  bytesOf(n: number, what: string): Buffer {
    const at = this.need(n, what);
    return this.buf.subarray(at, at + n);
  }

  /** A length as the field's form encodes it: int16/int32, or unsigned varint + 1 when compact; -1 = null. */
  length(compact: boolean, wide: boolean): number {
    if (compact) return this.unsignedVarint() - 1;
    return wide ? this.int32() : this.int16();
  }

  string(compact: boolean): string | null {
    const n = this.length(compact, false);
    if (n < -1) throw new MalformedRequestError(`STRING length ${n}`);
    if (n === -1) return null;
    const at = this.need(n, 'STRING');
    return this.buf.toString('utf8', at, at + n);
  }

  bytes(compact: boolean): Buffer | null {
    const n = this.length(compact, true);
    if (n < -1) throw new MalformedRequestError(`BYTES length ${n}`);
    if (n === -1) return null;
    return this.bytesOf(n, 'BYTES');
  }

  /** An array's element count; checked against the bytes left so no count can allocate more than the frame holds. */
  arrayLength(compact: boolean): number {
    const n = this.length(compact, true);
    if (n < -1) throw new MalformedRequestError(`ARRAY length ${n}`);
    if (n > this.remaining)
      throw new MalformedRequestError(`ARRAY of ${n} elements in ${this.remaining} bytes`);
    return n;
  }
}
