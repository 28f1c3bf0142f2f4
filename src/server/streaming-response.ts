import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { FastifyReply } from 'fastify';

export type RawResponse = ServerResponse | Http2ServerResponse;

function isHttp2(res: RawResponse): res is Http2ServerResponse {
  return 'stream' in res;
}

/** True once the client can no longer receive this response (connection or stream closed). */
function closedEarly(res: RawResponse): boolean {
  if (res.writableEnded) return false;
  if (isHttp2(res)) return res.stream.destroyed || res.stream.closed;
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

/**
 * A response streamed element by element (rows, acknowledgements, PRINT lines) that never
 * outlives its client.
 *
 * Each element is one write of one Buffer, and over HTTP/2 the next write waits until the previous
 * one has left, so every element is its own DATA frame (as ksqlDB's writer sends them; clients such
 * as the `ksqldb-client` npm package parse each frame as one JSON value). Node's HTTP/2 layer would
 * otherwise merge queued writes into one frame. Strings are never written and the response never
 * ends with an empty string: Node 20's HTTP/2 compatibility layer corrupts bytes written that way
 * while earlier writes are pending.
 *
 * `onClientGone` runs once if the client goes away before the end: on the response's close (which
 * the socket's close or the HTTP/2 stream's reset brings), since on Node 20 the request's own
 * `close` has already fired once its body was read. Writes after that are dropped and pending waits resolve, so the writer's loop can finish.
 */
export class StreamingResponse {
  private readonly res: RawResponse;
  private gone = false;
  private readonly waiting = new Set<() => void>();
  private readonly onClientGone: () => void;

  /**
   * Takes over a Fastify reply (the headers its hooks set, such as CORS ones, go with the answer), or
   * answers on a bare response (the pull-query fast path).
   */
  constructor(
    reply: FastifyReply | RawResponse,
    status: number,
    contentType: string,
    onClientGone: () => void,
  ) {
    let headers: OutgoingHttpHeaders = {};
    if ('hijack' in reply) {
      reply.hijack();
      headers = reply.getHeaders() as OutgoingHttpHeaders;
      this.res = reply.raw as RawResponse;
    } else {
      this.res = reply;
    }
    this.onClientGone = onClientGone;
    // Closed before we ended it: the client went away. (HTTP/2's writableFinished turns true when
    // the stream closes, however it closes, so it cannot tell.)
    const closed = () => {
      if (!this.res.writableEnded) this.clientGone();
    };
    this.res.once('close', closed);
    this.res.writeHead(status, { ...headers, 'content-type': contentType });
    // The client may have gone while the request was being prepared.
    if (closedEarly(this.res)) this.clientGone();
  }

  /** False once the client has gone away. */
  get open(): boolean {
    return !this.gone;
  }

  /** Writes one element; resolves when the next one may be written. */
  write(text: string): Promise<void> | undefined {
    if (this.gone) return undefined;
    const bytes = Buffer.from(text);
    const res = this.res;
    if (isHttp2(res)) {
      return this.wait((done) =>
        res.write(bytes, (err) => {
          if (err !== undefined && err !== null) this.clientGone();
          done();
        }),
      );
    }
    if (res.write(bytes)) return undefined;
    return this.wait((done) => res.once('drain', done));
  }

  /**
   * Writes a batch of elements, each its own write. Over HTTP/1.1 the socket is corked meanwhile, so
   * the batch's chunks leave together rather than one system call each.
   */
  async writeBatch(texts: readonly string[]): Promise<void> {
    const res = this.res;
    if (isHttp2(res)) {
      for (const text of texts) await this.write(text);
      return;
    }
    res.cork();
    try {
      for (const text of texts) {
        if (this.gone) return;
        if (res.write(Buffer.from(text))) continue;
        res.uncork();
        await this.wait((done) => res.once('drain', done));
        res.cork();
      }
    } finally {
      res.uncork();
    }
  }

  /**
   * Ends the response with its last elements. Over HTTP/1.1 they leave in one write with the end of
   * the body (a short answer is one system call); over HTTP/2 each is still its own DATA frame.
   */
  async endWith(texts: readonly string[]): Promise<void> {
    const elements = texts.filter((t) => t !== '');
    if (isHttp2(this.res)) {
      await this.writeBatch(elements.slice(0, -1));
      this.end(elements.at(-1));
      return;
    }
    this.end(elements.join(''));
  }

  /** Ends the response, with a last element if there is one. */
  end(tail = ''): void {
    if (this.gone || this.res.writableEnded) return;
    if (tail === '') this.res.end();
    else this.res.end(Buffer.from(tail));
  }

  private wait(start: (done: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiting.delete(done);
        resolve();
      };
      this.waiting.add(done);
      start(done);
    });
  }

  private clientGone(): void {
    if (this.gone) return;
    this.gone = true;
    for (const done of [...this.waiting]) done();
    this.onClientGone();
  }
}
