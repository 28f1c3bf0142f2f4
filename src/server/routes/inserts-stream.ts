import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type KsqlEngine, KsqlRequestError } from '../../engine/index.js';
import { genericError, httpStatusOf, statementError } from '../errors.js';

/** Yields the body's lines as they arrive: a string body at once, a stream line by line. */
async function* lines(body: unknown): AsyncGenerator<string[]> {
  if (typeof body === 'string') {
    yield body.split('\n').filter((l) => l.trim() !== '');
    return;
  }
  if (body === undefined || body === null) return;
  let buffered = '';
  for await (const chunk of body as Readable) {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    const complete = parts.filter((l) => l.trim() !== '');
    if (complete.length > 0) yield complete;
  }
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
      if (err instanceof KsqlRequestError) {
        return reply
          .code(httpStatusOf(err.errorCode))
          .send(statementError(err.errorCode, err.message, err.statementText, []));
      }
      throw err;
    }
    reply.hijack();
    const res = reply.raw;
    const asJson = (req.headers.accept ?? '').includes('application/json');
    res.writeHead(200, {
      'content-type': asJson ? 'application/json' : 'application/vnd.ksqlapi.delimited.v1',
    });
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
    try {
      if (firstRows.length > 0) res.write((await insert(firstRows)).map(ack).join(''));
      for await (const rows of source) res.write((await insert(rows)).map(ack).join(''));
    } catch (err) {
      res.write(ack(err as Error));
    }
    res.end(asJson ? (firstAck ? '[]' : ']') : '');
  });
}
