import Fastify, { type FastifyInstance } from 'fastify';
import type { KsqlEngine } from '../engine/index.js';
import { InternalTopics, type Log } from '../log/index.js';
import type { BasicAuthenticator } from './auth/basic-authenticator.js';
import { type CrossOriginPolicy, guardCrossOrigin } from './auth/cross-origin.js';
import { requireKsqlAuthentication } from './auth/request-auth.js';
import {
  createDualProtocolServer,
  createTlsServer,
  type RequestHandler,
  type TlsOptions,
} from './dual-protocol-server.js';
import { errorBody, errorOfStatus, genericError } from './errors.js';
import { pullFastPath, replayReadAheadBodies } from './pull-fast-path.js';
import { type InsertsStreamLimits, registerInsertsStreamRoute } from './routes/inserts-stream.js';
import { registerKsqlRoutes } from './routes/ksql.js';
import { registerQueryRoutes } from './routes/query.js';
import { registerRestProxyRoutes } from './routes/rest-proxy.js';
import { registerServerInfoRoutes, type ServerIdentity } from './routes/server-info.js';
import { registerTopicDataRoutes } from './routes/topic-data.js';

export interface RestAppOptions {
  readonly log: Log;
  readonly engine: KsqlEngine;
  readonly identity: ServerIdentity;
  /** Serve HTTPS (HTTP/1.1 and HTTP/2 by ALPN) instead of cleartext. */
  readonly tls?: TlsOptions;
  /** Topics no request may delete, write or reconfigure (`__`-prefixed ones always are). */
  readonly internalTopics?: InternalTopics;
  /** How long a line and a whole /inserts-stream body may be (defaults: 1 MiB, 1 GiB). */
  readonly insertsStreamLimits?: InsertsStreamLimits;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: number;
  /** ksql.idle.connection.timeout.seconds: close connections that carried no data for this long. */
  readonly idleTimeoutSeconds?: number;
  /** Which other sites' pages may call (access.control.allow.*); without it, none may. */
  readonly crossOrigin?: CrossOriginPolicy;
  /** authentication.method=BASIC: who may call, with which role. */
  readonly authenticator?: BasicAuthenticator;
  /**
   * Answer HTTP/1.1 pull queries prepared before in front of Fastify (default true); false sends
   * every request through Fastify (the tests compare the two).
   */
  readonly pullFastPath?: boolean;
}

/** The ksqlDB-compatible REST API on one port for HTTP/1.1 and HTTP/2. */
export function buildRestApp(options: RestAppOptions): FastifyInstance {
  const idleTimeoutMs =
    options.idleTimeoutSeconds === undefined ? undefined : options.idleTimeoutSeconds * 1000;
  const bodyLimit = options.bodyLimit ?? 32 * 1024 * 1024;
  const internal = options.internalTopics ?? new InternalTopics();
  const factory = (fastify: RequestHandler) => {
    const handler =
      options.pullFastPath === false
        ? fastify
        : pullFastPath(
            {
              engine: options.engine,
              internalTopics: (topic) => internal.roleOf(topic),
              bodyLimit,
              ...(options.authenticator === undefined ? {} : { authenticator: options.authenticator }),
            },
            fastify,
          );
    return options.tls === undefined
      ? createDualProtocolServer(handler, idleTimeoutMs)
      : createTlsServer(handler, options.tls, idleTimeoutMs);
  };
  const app = Fastify({
    // biome-ignore lint/suspicious/noExplicitAny: fastify's serverFactory type is tied to node:http's server
    serverFactory: factory as any,
    bodyLimit,
    logger: false,
  });
  replayReadAheadBodies(app);
  // ksqlDB's routes set no request type: every body is JSON text whatever its declared type (curl -d
  // sends a form type, ksqlDB's clients the delimited type), parsed here once; produce bodies hold
  // several JSON values, so their route gets the text.
  const parseJsonBody: Parameters<typeof app.addContentTypeParser>[2] = (req, body, done) => {
    const text = body as string;
    if (req.url.endsWith('/records')) return done(null, text);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      const error = Object.assign(new Error(`Invalid JSON in request: ${(err as Error).message}`), {
        statusCode: 400,
      });
      done(error, undefined);
    }
  };
  // Before authentication: a preflight carries no credentials.
  guardCrossOrigin(
    app,
    options.crossOrigin ?? { allowOrigins: [], allowMethods: [], allowHeaders: [] },
    options.tls !== undefined,
    (status, message) => errorBody(errorOfStatus(status, message)),
  );
  if (options.authenticator !== undefined) {
    requireKsqlAuthentication(app, options.authenticator, (topic) => internal.roleOf(topic));
  }
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJsonBody);
  // A body without a type is read too: over HTTP/2 (no content-length needed) Fastify would skip it.
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.method === 'POST' && req.headers['content-type'] === undefined) {
      req.headers['content-type'] = 'application/json';
    }
    done();
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode ?? 500;
    reply.code(status).send(errorBody(errorOfStatus(status, err.message)));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(genericError('NOT_FOUND', `Not Found: ${req.method} ${req.url}`));
  });
  registerServerInfoRoutes(app, options.log, options.identity, options.engine);
  registerRestProxyRoutes(app, options.log, internal);
  registerTopicDataRoutes(app, options.log, internal);
  registerKsqlRoutes(app, options.engine);
  registerQueryRoutes(app, options.engine);
  // Inserts arrive as JSON lines that may never end, whatever their declared type: the route reads
  // them as they come, so its scope hands it the body unread.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    registerInsertsStreamRoute(
      scope,
      options.engine,
      options.insertsStreamLimits ?? { maxLineBytes: 1024 * 1024, maxBytes: 1024 ** 3 },
    );
  });
  return app;
}
