import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type KsqlEngine, KsqlRequestError } from '../../engine/index.js';
import { ERROR_CATALOGUE } from '../../errors/index.js';
import { genericError, genericErrorOf } from '../errors.js';
import { StreamingResponse } from '../streaming-response.js';

/** How much one inserts stream may carry (sluice.inserts.stream.max.line.bytes, …max.bytes). */
export interface InsertsStreamLimits {
  readonly maxLineBytes: number;
  readonly maxBytes: number;
}

/** A body past one of the limits: the rows before it were written, nothing after it is read. */
class InsertsLimitError extends Error {}

/**
 * Yields the body's complete lines as they arrive (UTF-8 characters may straddle chunks). Each
 * chunk is searched once for newlines, so a long line arriving in many chunks costs its length, not
 * its length times the chunks; a line or a body past its limit ends the stream with an error.
 */
async function* lines(body: unknown, limits: InsertsStreamLimits): AsyncGenerator<string[]> {
  if (body === undefined || body === null) return;
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let pendingBytes = 0;
  let total = 0;
  const tooLong = () =>
    new InsertsLimitError(
      `A line of the inserts stream is longer than ${limits.maxLineBytes} bytes ` +
        '(sluice.inserts.stream.max.line.bytes): end every row with a newline, or raise the limit.',
    );
  for await (const chunk of body as Readable) {
    // Only the bytes within the body limit are read: the rows wholly inside it are written.
    let bytes = chunk as Buffer;
    const over = total + bytes.length > limits.maxBytes;
    if (over) bytes = bytes.subarray(0, limits.maxBytes - total);
    total += bytes.length;
    const firstNewline = bytes.indexOf(10);
    if (firstNewline < 0) {
      pendingBytes += bytes.length;
      if (pendingBytes > limits.maxLineBytes) throw tooLong();
      pending += decoder.decode(bytes, { stream: true });
    } else {
      const text = pending + decoder.decode(bytes, { stream: true });
      const parts = text.split('\n');
      pending = parts.pop() ?? '';
      pendingBytes = bytes.length - bytes.lastIndexOf(10) - 1;
      // The lines before one that is too long are still written.
      const complete: string[] = [];
      for (const line of parts) {
        if (Buffer.byteLength(line) > limits.maxLineBytes) {
          if (complete.length > 0) yield complete;
          throw tooLong();
        }
        if (line.trim() !== '') complete.push(line);
      }
      if (complete.length > 0) yield complete;
      if (pendingBytes > limits.maxLineBytes) throw tooLong();
    }
    if (over) {
      throw new InsertsLimitError(
        `The inserts stream is longer than ${limits.maxBytes} bytes (sluice.inserts.stream.max.bytes): ` +
          'the rows before this point were written; send the rest in another request, or raise the limit.',
      );
    }
  }
  pending += decoder.decode();
  if (pending.trim() !== '') yield [pending];
}

/**
 * POST /inserts-stream: a first line `{"target": "<stream>"}`, then one JSON row per line; every row
 * is acknowledged with `{"status":"ok","seq":n}` or `{"status":"error","seq":n,…}` as it is written.
 */
export function registerInsertsStreamRoute(
  app: FastifyInstance,
  engine: KsqlEngine,
  limits: InsertsStreamLimits,
): void {
  app.post('/inserts-stream', async (req, reply) => {
    const source = lines(req.body, limits);
    let first: IteratorResult<string[]>;
    try {
      first = await source.next();
    } catch (err) {
      if (!(err instanceof InsertsLimitError)) throw err;
      return reply.code(400).send(genericError('BAD_REQUEST', err.message));
    }
    let header: { target?: unknown };
    const [head, ...firstRows] = first.done ? [] : first.value;
    try {
      header = JSON.parse(head ?? 'null') ?? {};
    } catch {
      header = {};
    }
    if (typeof header.target !== 'string') {
      return reply
        .code(400)
        .send(
          genericError(
            'BAD_REQUEST',
            'The first line of an inserts stream must be {"target": "<stream name>"}.',
          ),
        );
    }
    let insert: (rows: readonly string[]) => Promise<(number | Error)[]>;
    try {
      insert = engine.inserter(header.target);
    } catch (err) {
      // ksqlDB answers a bad target with a generic error (400, 40001).
      if (err instanceof KsqlRequestError) {
        return reply.code(err.httpStatus).send(genericErrorOf(err));
      }
      throw err;
    }
    const asJson = (req.headers.accept ?? '').includes('application/json');
    const out = new StreamingResponse(
      reply,
      200,
      asJson ? 'application/json' : 'application/vnd.ksqlapi.delimited.v1',
      () => {},
    );
    let seq = 0;
    let firstAck = true;
    const ack = (result: number | Error): string => {
      const s = seq++;
      const text =
        result instanceof Error
          ? JSON.stringify({
              status: 'error',
              seq: s,
              error_code: ERROR_CATALOGUE.BAD_REQUEST.errorCode,
              message: result.message,
            })
          : JSON.stringify({ status: 'ok', seq: s });
      if (!asJson) return `${text}\n`;
      const out = `${firstAck ? '[' : ','}${text}`;
      firstAck = false;
      return out;
    };
    const acknowledge = async (rows: readonly string[]) => {
      await out.writeBatch((await insert(rows)).map(ack));
    };
    try {
      if (firstRows.length > 0) await acknowledge(firstRows);
      for await (const rows of source) {
        if (!out.open) break;
        await acknowledge(rows);
      }
    } catch (err) {
      await out.write(ack(err as Error));
    }
    out.end(asJson ? (firstAck ? '[]' : ']') : '');
  });
}
