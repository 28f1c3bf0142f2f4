// A bare Kafka protocol client for the listener's tests (not a test file itself): encodes requests
// with the same message tables, and lets a test send raw bytes a real client never would.
import { connect, type Socket } from 'node:net';
import { ByteReader } from '../protocol/byte-reader.js';
import { ByteWriter } from '../protocol/byte-writer.js';
import type { ApiSchema } from '../protocol/messages.js';
import { decodeStruct, encodeStruct, type Struct } from '../protocol/schema.js';

export class RawKafkaClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  #correlation = 0;
  #buffer = Buffer.alloc(0);
  readonly #waiting = new Map<number, { schema: ApiSchema; version: number; resolve: (s: Struct) => void }>();
  /** Correlation ids in the order responses arrived. */
  readonly arrived: number[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 4 && this.#buffer.length >= 4 + this.#buffer.readInt32BE(0)) {
        const size = this.#buffer.readInt32BE(0);
        const frame = this.#buffer.subarray(4, 4 + size);
        this.#buffer = this.#buffer.subarray(4 + size);
        // A bare SASL token (SaslHandshake v0) has no correlation id.
        if (frame.length < 4) continue;
        const r = new ByteReader(frame);
        const id = r.int32();
        this.arrived.push(id);
        const w = this.#waiting.get(id);
        if (w === undefined) continue;
        this.#waiting.delete(id);
        const flexible = w.version >= w.schema.flexibleFrom;
        if (flexible && w.schema.key !== 18) decodeStruct(r, [], w.version, true);
        w.resolve(decodeStruct(r, w.schema.response, w.version, flexible));
      }
    });
  }

  static connect(port: number): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawKafkaClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Encodes a request frame; returns it with its correlation id. */
  frame(schema: ApiSchema, version: number, body: Struct): { id: number; bytes: Buffer } {
    const id = ++this.#correlation;
    const w = new ByteWriter();
    const sizeAt = w.reserveInt32();
    w.int16(schema.key);
    w.int16(version);
    w.int32(id);
    w.string('raw-test-client', false);
    const flexible = version >= schema.flexibleFrom;
    if (flexible) w.unsignedVarint(0);
    encodeStruct(w, schema.request, version, flexible, body);
    w.patchInt32(sizeAt, w.offset - 4);
    return { id, bytes: Buffer.from(w.result()) };
  }

  request(schema: ApiSchema, version: number, body: Struct): Promise<Struct> {
    const { id, bytes } = this.frame(schema, version, body);
    const answer = new Promise<Struct>((resolve, reject) => {
      this.#waiting.set(id, { schema, version, resolve });
      this.closed.then(() => reject(new Error(`the connection closed before the answer to ${schema.name}`)));
    });
    this.socket.write(bytes);
    return answer;
  }

  /** Sends a request that gets no answer (Produce acks=0); returns its correlation id. */
  sendOnly(schema: ApiSchema, version: number, body: Struct): number {
    const { id, bytes } = this.frame(schema, version, body);
    this.socket.write(bytes);
    return id;
  }

  close(): void {
    this.socket.destroy();
  }
}
