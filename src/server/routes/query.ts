import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type KsqlEngine,
  KsqlRequestError,
  type PushQueryHandle,
  type QueryStream,
} from '../../engine/index.js';
import { genericError, httpStatusOf, statementError } from '../errors.js';
import { rowJson } from '../row-json.js';

const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sendKsqlError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof KsqlRequestError) {
    return reply
      .code(httpStatusOf(err.errorCode))
      .type('application/json')
      .send(statementError(err.errorCode, err.message, err.statementText, err.entities));
  }
  throw err;
}

/**
 * Streams a push query's rows until its LIMIT, the client going away, or POST /close-query. Works
 * the same over HTTP/1.1 (chunked) and HTTP/2.
 */
async function stream(
  req: FastifyRequest,
  reply: FastifyReply,
  handle: PushQueryHandle,
  contentType: string,
  write: {
    head: string;
    row: (json: string, first: boolean) => string;
    tail: (limitReached: boolean) => string;
  },
): Promise<void> {
  const types = handle.types;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': contentType });
  const closed = () => handle.close();
  req.raw.once('close', closed);
  res.write(write.head);
  let first = true;
  let ended = false;
  try {
    for await (const rows of handle.rows) {
      let chunk = '';
      for (const row of rows) {
        chunk += write.row(rowJson(row, types), first);
        first = false;
      }
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    ended = true;
  } catch (err) {
    res.write(`${JSON.stringify({ errorMessage: genericError(50000, (err as Error).message) })}\n`);
  } finally {
    req.raw.off('close', closed);
    handle.close();
    if (!res.writableEnded) res.end(write.tail(ended));
  }
}

/** PRINT: the topic's records as text lines, until LIMIT or the client goes away. */
async function streamPrint(
  req: FastifyRequest,
  reply: FastifyReply,
  print: Extract<QueryStream, { kind: 'print' }>,
) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const closed = () => print.close();
  req.raw.once('close', closed);
  try {
    for await (const lines of print.lines) {
      if (!res.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
  } catch (err) {
    res.write(`${(err as Error).message}\n`);
  } finally {
    req.raw.off('close', closed);
    print.close();
    if (!res.writableEnded) res.end();
  }
}

/** /query-stream (the current API), /query (the old one) and /close-query. */
export function registerQueryRoutes(app: FastifyInstance, engine: KsqlEngine): void {
  app.post('/query-stream', async (req, reply) => {
    const body = req.body;
    if (!isObject(body) || typeof body.sql !== 'string') {
      return reply
        .code(400)
        .send(
          genericError(40000, 'The request needs a "sql" field holding one SELECT … EMIT CHANGES statement.'),
        );
    }
    let opened: QueryStream;
    try {
      opened = await engine.openQuery(body.sql, {
        streamsProperties: isObject(body.properties) ? body.properties : {},
        sessionVariables: isObject(body.sessionVariables) ? body.sessionVariables : {},
      });
    } catch (err) {
      return sendKsqlError(reply, err);
    }
    if (opened.kind === 'print') return streamPrint(req, reply, opened);
    const handle = opened.handle;
    const meta = JSON.stringify({
      queryId: handle.queryId,
      columnNames: handle.columnNames,
      columnTypes: handle.columnTypes,
    });
    const accept = req.headers.accept ?? '';
    if (accept.includes('application/json') && !accept.includes(DELIMITED)) {
      await stream(req, reply, handle, 'application/json', {
        head: `[${meta}`,
        row: (json) => `,${json}`,
        tail: () => ']',
      });
    } else {
      await stream(req, reply, handle, DELIMITED, {
        head: `${meta}\n`,
        row: (json) => `${json}\n`,
        tail: () => '',
      });
    }
  });

  app.post('/query', async (req, reply) => {
    const body = req.body;
    if (!isObject(body) || typeof body.ksql !== 'string') {
      return reply
        .code(400)
        .send(
          genericError(
            40000,
            'The request needs a "ksql" field holding one SELECT … EMIT CHANGES statement.',
          ),
        );
    }
    let opened: QueryStream;
    try {
      opened = await engine.openQuery(body.ksql, {
        streamsProperties: isObject(body.streamsProperties) ? body.streamsProperties : {},
        sessionVariables: isObject(body.sessionVariables) ? body.sessionVariables : {},
      });
    } catch (err) {
      return sendKsqlError(reply, err);
    }
    if (opened.kind === 'print') return streamPrint(req, reply, opened);
    const handle = opened.handle;
    const schema = handle.columnNames.map((n, i) => `\`${n}\` ${handle.columnTypes[i]}`).join(', ');
    await stream(req, reply, handle, 'application/json', {
      head: `[${JSON.stringify({ header: { queryId: handle.queryId, schema } })}`,
      row: (json) => `,\n{"row":{"columns":${json}}}`,
      tail: (limitReached) => (limitReached ? `,\n{"finalMessage":"Limit Reached"}]\n` : ']\n'),
    });
  });

  app.post('/close-query', async (req, reply) => {
    const body = req.body;
    const id = isObject(body) ? body.queryId : undefined;
    if (typeof id !== 'string')
      return reply.code(400).send(genericError(40000, 'The request needs a "queryId" field.'));
    if (!engine.closePushQuery(id))
      return reply.code(400).send(genericError(40000, `No query with id ${id}`));
    return reply.code(200).send();
  });
}
