import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What cross-origin (browser) callers may do, from access.control.allow.origin, .methods and
 * .headers as ksqlDB names them.
 */
export interface CrossOriginPolicy {
  /** Origins admitted: `*`, exact origins, or patterns with `*` (https://*.example.com). Empty: none. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
}

export const DEFAULT_ALLOW_METHODS = ['GET', 'POST', 'HEAD'];
export const DEFAULT_ALLOW_HEADERS = [
  'X-Requested-With',
  'Content-Type',
  'Accept',
  'Origin',
  'Authorization',
];

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function originMatcher(allow: readonly string[]): (origin: string) => boolean {
  if (allow.includes('*')) return () => true;
  const patterns = allow.map(
    (a) => new RegExp(`^${escapeRegExp(a.replace(/\/+$/, '')).replaceAll('*', '[^/]*')}$`, 'i'),
  );
  return (origin) => patterns.some((p) => p.test(origin));
}

/** The request's own origin, as a browser on a page served by this server would send it. */
function ownOrigin(req: FastifyRequest, secure: boolean): string | undefined {
  const host = req.headers.host ?? (req.headers[':authority'] as string | undefined);
  return host === undefined ? undefined : `${secure ? 'https' : 'http'}://${host}`;
}

type ErrorBody = (status: number, message: string) => unknown;

/**
 * Any web page can make its visitor's browser send a request here (a text/plain POST needs no
 * preflight), so a request whose Origin is another site is refused (403) unless
 * access.control.allow.origin admits it; admitted origins get CORS headers and preflight answers.
 */
export function guardCrossOrigin(
  app: FastifyInstance,
  policy: CrossOriginPolicy,
  secure: boolean,
  errorBody: ErrorBody,
): void {
  const admitted = originMatcher(policy.allowOrigins);
  const corsOn = policy.allowOrigins.length > 0;
  const refuse = (reply: FastifyReply, origin: string) =>
    reply
      .code(403)
      .type('application/json')
      .send(
        errorBody(
          403,
          `Forbidden: cross-origin request from ${origin} refused. To let pages from that origin call this server, add it to access.control.allow.origin.`,
        ),
      );
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (origin === ownOrigin(req, secure)) return;
    if (!corsOn || !admitted(origin)) return refuse(reply, origin);
    reply.header('access-control-allow-origin', policy.allowOrigins.includes('*') ? '*' : origin);
    reply.header('vary', 'Origin');
    if (!policy.allowOrigins.includes('*')) reply.header('access-control-allow-credentials', 'true');
    const requested = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && typeof requested === 'string') {
      if (!policy.allowMethods.some((m) => m.toUpperCase() === requested.toUpperCase())) {
        return reply
          .code(403)
          .type('application/json')
          .send(
            errorBody(
              403,
              `Forbidden: cross-origin ${requested} is not allowed; access.control.allow.methods admits ${policy.allowMethods.join(', ')}.`,
            ),
          );
      }
      return reply
        .code(204)
        .header('access-control-allow-methods', policy.allowMethods.join(','))
        .header('access-control-allow-headers', policy.allowHeaders.join(','))
        .header('access-control-max-age', '1800')
        .send();
    }
  });
}
