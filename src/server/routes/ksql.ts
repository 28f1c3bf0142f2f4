import type { FastifyInstance, FastifyReply } from 'fastify';
import { type KsqlEngine, KsqlRequestError } from '../../engine/index.js';
import { statementAuthorizer } from '../auth/request-auth.js';
import { errorBody, genericError } from '../errors.js';

const KSQL_REQUEST_FIELDS = new Set([
  'ksql',
  'streamsProperties',
  'requestProperties',
  'sessionVariables',
  'commandSequenceNumber',
]);

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).type('application/json').send(genericError('BAD_REQUEST', message));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** POST /ksql: statements in, ksqlDB entities out. */
export function registerKsqlRoutes(app: FastifyInstance, engine: KsqlEngine): void {
  app.post('/ksql', async (req, reply) => {
    const body = req.body;
    if (!isObject(body)) return badRequest(reply, 'The request body must be a JSON object: {"ksql": "…;"}.');
    const unknown = Object.keys(body).filter((k) => !KSQL_REQUEST_FIELDS.has(k));
    if (unknown.length > 0) {
      return badRequest(
        reply,
        `Unrecognized field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} in the request. Known fields: ${[...KSQL_REQUEST_FIELDS].join(', ')}.`,
      );
    }
    if (typeof body.ksql !== 'string') {
      return badRequest(
        reply,
        'The request needs a "ksql" field holding the statements to run, each ending with ;.',
      );
    }
    for (const field of ['streamsProperties', 'sessionVariables'] as const) {
      if (body[field] !== undefined && !isObject(body[field])) {
        return badRequest(reply, `"${field}" must be a JSON object of names to values.`);
      }
    }
    try {
      const entities = await engine.execute(body.ksql, {
        streamsProperties: body.streamsProperties as Record<string, unknown> | undefined,
        sessionVariables: body.sessionVariables as Record<string, unknown> | undefined,
        authorize: statementAuthorizer(req),
        ...(req.headers.authorization === undefined
          ? {}
          : { callerAuthorization: req.headers.authorization }),
      });
      return reply.type('application/json').send(entities);
    } catch (err) {
      if (err instanceof KsqlRequestError) {
        return reply.code(err.httpStatus).type('application/json').send(errorBody(err, err.entities));
      }
      throw err;
    }
  });
}
