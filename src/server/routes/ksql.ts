import type { FastifyInstance } from 'fastify';
import { httpStatusOf, statementError } from '../errors.js';

/**
 * POST /ksql and the query endpoints. The SQL engine is not in this version yet; rather than
 * pretend, every statement is answered with ksqlDB's error body saying so.
 */
export function registerKsqlRoutes(app: FastifyInstance): void {
  const notYet = async (req: { body: unknown }, reply: import('fastify').FastifyReply) => {
    const body = (req.body ?? {}) as { ksql?: unknown; sql?: unknown };
    const text = typeof body.ksql === 'string' ? body.ksql : typeof body.sql === 'string' ? body.sql : '';
    const error = statementError(
      40001,
      'This version of Sluice does not run SQL statements yet: the SQL engine is still being built. ' +
        'Topics can be created, produced to and consumed from with `sluice topic` and the REST Proxy v3 endpoints.',
      text,
    );
    return reply.code(httpStatusOf(error.error_code)).type('application/json').send(error);
  };
  app.post('/ksql', notYet);
  app.post('/query', notYet);
  app.post('/query-stream', notYet);
}
