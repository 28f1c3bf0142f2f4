import type { FastifyInstance, FastifyReply } from 'fastify';
import { type KsqlEngine, KsqlRequestError, type QueryStream } from '../../engine/index.js';
import { statementAuthorizer } from '../auth/request-auth.js';
import { errorBody, genericError } from '../errors.js';
import { writeQueryAnswer } from '../query-answer.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sendKsqlError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof KsqlRequestError) {
    return reply.code(err.httpStatus).type('application/json').send(errorBody(err, err.entities));
  }
  throw err;
}

/** /query-stream (the current API), /query (the old one) and /close-query. */
export function registerQueryRoutes(app: FastifyInstance, engine: KsqlEngine): void {
  app.post('/query-stream', async (req, reply) => {
    const body = req.body;
    if (!isObject(body) || typeof body.sql !== 'string') {
      return reply
        .code(400)
        .send(
          genericError(
            'BAD_REQUEST',
            'The request needs a "sql" field holding one SELECT … EMIT CHANGES statement.',
          ),
        );
    }
    let opened: QueryStream;
    try {
      opened = await engine.openQuery(body.sql, {
        client: req.ip,
        streamsProperties: isObject(body.properties) ? body.properties : {},
        sessionVariables: isObject(body.sessionVariables) ? body.sessionVariables : {},
        requestProperties: isObject(body.requestProperties) ? body.requestProperties : {},
        authorize: statementAuthorizer(req),
      });
    } catch (err) {
      return sendKsqlError(reply, err);
    }
    await writeQueryAnswer(reply, opened, '/query-stream', req.headers.accept);
  });

  app.post('/query', async (req, reply) => {
    const body = req.body;
    if (!isObject(body) || typeof body.ksql !== 'string') {
      return reply
        .code(400)
        .send(
          genericError(
            'BAD_REQUEST',
            'The request needs a "ksql" field holding one SELECT … EMIT CHANGES statement.',
          ),
        );
    }
    let opened: QueryStream;
    try {
      opened = await engine.openQuery(body.ksql, {
        client: req.ip,
        streamsProperties: isObject(body.streamsProperties) ? body.streamsProperties : {},
        sessionVariables: isObject(body.sessionVariables) ? body.sessionVariables : {},
        requestProperties: isObject(body.requestProperties) ? body.requestProperties : {},
        authorize: statementAuthorizer(req),
      });
    } catch (err) {
      return sendKsqlError(reply, err);
    }
    await writeQueryAnswer(reply, opened, '/query', req.headers.accept);
  });

  app.post('/close-query', async (req, reply) => {
    const body = req.body;
    const id = isObject(body) ? body.queryId : undefined;
    if (typeof id !== 'string')
      return reply.code(400).send(genericError('BAD_REQUEST', 'The request needs a "queryId" field.'));
    if (!engine.closePushQuery(id))
      return reply.code(400).send(genericError('BAD_REQUEST', `No query with id ${id}`));
    return reply.code(200).send();
  });
}
