import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type KsqlEngine, KsqlRequestError } from '../../engine/index.js';
import { genericError, httpStatusOf } from '../errors.js';
import { StreamingResponse } from '../streaming-response.js';

/** Yields the body's complete lines as they arrive (UTF-8 characters may straddle chunks). */
async function* lines(body: unknown): AsyncGenerator<string[]> {
  if (body === undefined || body === null) return;
  const decoder = new TextDecoder('utf-8');
  let buffered = '';
  for await (const chunk of body as Readable) {
    buffered += decoder.decode(chunk as Buffer, { stream: true });
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    const complete = parts.filter((l) => l.trim() !== '');
    if (complete.length > 0) yield complete;
  }
  buffered += decoder.decode();
  if (buffered.trim() !== '') yield [buffered];
}

/**
 * POST /inserts-stream: a first line `{"target": "<stream>"}`, then one JSON row per line; every row
 * is acknowledged with `{"status":"ok","seq":n}` or `{"status":"error","seq":n,…}` as it is written.
 */
export function registerInsertsStreamRoute(app: FastifyInstance, engine: KsqlEngine): void {
  app.post('/inserts-stream', async (req, reply) => {
    const source = lines(req.body);
    const first = await source.next();
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
          genericError(40000, 'The first line of an inserts stream must be {"target": "<stream name>"}.'),
        );
    }
    let insert: (rows: readonly string[]) => Promise<(number | Error)[]>;
    try {
      insert = engine.inserter(header.target);
    } catch (err) {
      // ksqlDB answers a bad target with a generic error (400, 40001).
      if (err instanceof KsqlRequestError) {
        return reply.code(httpStatusOf(err.errorCode)).send(genericError(err.errorCode, err.message));
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
          ? JSON.stringify({ status: 'error', seq: s, error_code: 40000, message: result.message })
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
