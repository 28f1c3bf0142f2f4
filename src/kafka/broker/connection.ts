import type { Socket } from 'node:net';
import type { ReadCursor } from '../../log/index.js';
import { MalformedRequestError } from '../protocol/malformed.js';
import type { BrokerContext, SaslSession } from './context.js';
import { apiName, apiVersionsTooNewFrame, decodeRequestFrame, encodeResponsePieces } from './frames.js';
import { checkPlainToken } from './handlers/sasl.js';

/** What a connection may ask before it has authenticated on a SASL listener: ApiVersions and SASL's own. */
const BEFORE_AUTHENTICATION = new Set([18, 17, 36]);

/** Frames queued while one is being handled; past this the socket stops reading (backpressure). */
const MAX_QUEUED_FRAMES = 64;

/**
 * One client connection: splits the byte stream into frames and handles them one at a time, so
 * responses leave in request order (a long-polling Fetch holds back what is queued behind it, as
 * in Kafka). A malformed or oversized request closes this connection only, with a log line.
 */
export class KafkaConnection {
  readonly #socket: Socket;
  readonly #broker: BrokerContext;
  readonly #maxRequestBytes: number;
  readonly #closed = new AbortController();
  readonly #peer: string;
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  readonly #queue: Buffer[] = [];
  #working = false;
  readonly #session: SaslSession;
  readonly #cursors = new Map<string, ReadCursor>();

  constructor(socket: Socket, broker: BrokerContext, maxRequestBytes: number) {
    this.#socket = socket;
    this.#broker = broker;
    this.#maxRequestBytes = maxRequestBytes;
    this.#peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.#session = {
      authenticated: broker.authenticatePlain === undefined,
      mechanism: undefined,
      rawTokenNext: false,
      user: undefined,
      closeAfterResponse: false,
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#closed.abort());
  }

  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  close(): void {
    this.#socket.destroy();
  }

  #fail(reason: string): void {
    this.#broker.writeLine(`Kafka listener: closing the connection from ${this.#peer}: ${reason}`);
    this.#buffered = [];
    this.#queue.length = 0;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.closed) return;
    this.#buffered.push(chunk);
    this.#bufferedBytes += chunk.length;
    while (this.#bufferedBytes >= 4) {
      const head = this.#buffered[0].length >= 4 ? this.#buffered[0] : Buffer.concat(this.#buffered);
      const size = head.readInt32BE(0);
      if (size < 8 || size > this.#maxRequestBytes) {
        this.#fail(
          size < 8
            ? `a request frame of ${size} bytes is too short to hold a request header`
            : `a request of ${size} bytes is larger than the limit of ${this.#maxRequestBytes} (socket.request.max.bytes)`,
        );
        return;
      }
      if (this.#bufferedBytes < 4 + size) break;
      const all = this.#buffered.length === 1 ? this.#buffered[0] : Buffer.concat(this.#buffered);
      this.#queue.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.#buffered = rest.length === 0 ? [] : [rest];
      this.#bufferedBytes = rest.length;
    }
    if (this.#queue.length >= MAX_QUEUED_FRAMES) this.#socket.pause();
    if (!this.#working) void this.#work();
  }

  async #work(): Promise<void> {
    this.#working = true;
    try {
      while (this.#queue.length > 0 && !this.closed) {
        const frame = this.#queue.shift() as Buffer;
        if (this.#queue.length < MAX_QUEUED_FRAMES / 2) this.#socket.resume();
        const response = await this.#handle(frame);
        if (response === 'close') return;
        if (response !== undefined && !this.closed) {
          if (Buffer.isBuffer(response)) this.#socket.write(response);
          else if (response.length === 1) this.#socket.write(response[0]);
          else {
            // Corked, the pieces leave in one writev.
            this.#socket.cork();
            for (const piece of response) this.#socket.write(piece);
            this.#socket.uncork();
          }
        }
        if (this.#session.closeAfterResponse) {
          this.#socket.end();
          this.#queue.length = 0;
          return;
        }
      }
    } finally {
      this.#working = false;
    }
  }

  async #handle(frame: Buffer): Promise<Buffer | Buffer[] | undefined | 'close'> {
    if (this.#session.rawTokenNext) {
      // SaslHandshake v0: a bare PLAIN token, answered by a bare (empty) token.
      this.#session.rawTokenNext = false;
      const refused = await checkPlainToken(
        frame,
        { broker: this.#broker, clientHost: this.#socket.remoteAddress ?? '' },
        this.#session,
      );
      if (refused !== undefined) {
        this.#fail(`SASL/PLAIN authentication failed: ${refused}`);
        return 'close';
      }
      return Buffer.alloc(4);
    }
    let decoded: ReturnType<typeof decodeRequestFrame>;
    try {
      decoded = decodeRequestFrame(frame);
    } catch (err) {
      if (err instanceof MalformedRequestError) {
        this.#fail(`malformed request: ${err.message}`);
        return 'close';
      }
      throw err;
    }
    const { header } = decoded;
    if (decoded.kind === 'api-versions-too-new') return apiVersionsTooNewFrame(header.correlationId);
    const { api, body } = decoded;
    if (!this.#session.authenticated && !BEFORE_AUTHENTICATION.has(header.apiKey)) {
      this.#fail(`${api.schema.name} before SASL authentication: this listener needs SASL/PLAIN first`);
      return 'close';
    }
    try {
      const result = await api.handle(body, {
        broker: this.#broker,
        version: header.apiVersion,
        clientId: header.clientId ?? '',
        clientHost: this.#socket.remoteAddress ?? '',
        session: this.#session,
        cursors: this.#cursors,
        signal: this.#closed.signal,
      });
      if (result === undefined) return undefined;
      return encodeResponsePieces(api.schema, header.apiVersion, header.correlationId, result);
    } catch (err) {
      // A handler failing is our bug, not the client's: say so, and close rather than answer wrongly.
      this.#fail(`${apiName(header.apiKey)} v${header.apiVersion} failed: ${(err as Error).stack ?? err}`);
      return 'close';
    }
  }
}
