import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Herder } from '../worker/index.js';
import {
  ConnectError,
  ForwardRequest,
  LOG4J_LEVELS,
  loggerLevel,
  logLevels,
  setLoggerLevel,
} from '../worker/index.js';
import { refuseUntrustedCertificates } from './client-certificates.js';
import { forwardToLeader } from './forward.js';
import type { ListenerTls } from './listener-tls.js';

const LEVELS: ReadonlySet<string> = new Set(LOG4J_LEVELS);

/**
 * A connector config as sent: string values, or null, which Kafka Connect reports as a validation
 * error ("Null value can not be supplied as the configuration value.") rather than a bad request.
 */
/** Kafka Connect's error body: the HTTP status is the error_code. */
function connectErrorBody(err: ConnectError): { error_code: number; message: string } {
  return { error_code: err.errorCode, message: err.message };
}

function isConfigMap(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string' || x === null)
  );
}

function httpsOptions(tls: ListenerTls) {
  const { clientCertificates, ...material } = tls;
  return {
    allowHTTP1: true,
    ...material,
    ...(clientCertificates === undefined
      ? {}
      : {
          ca: clientCertificates.ca,
          requestCert: true,
          rejectUnauthorized: clientCertificates.rejectUnauthorized,
        }),
  };
}

/**
 * The Kafka Connect REST API over a Herder: the same paths, bodies, status codes and error format
 * (`{"error_code", "message"}`) as Kafka Connect, so its tools and ksqlDB work against it.
 */
export function buildConnectRestApp(
  herder: Herder,
  info: { version: string; clusterId: string },
  tls?: ListenerTls,
): FastifyInstance {
  // Over TLS, HTTP/1.1 and HTTP/2 by ALPN; the http2 overload types the instance for an HTTP/2
  // server, whose routes and hooks are the same.
  const app = (tls === undefined
    ? Fastify({ logger: false })
    : Fastify({ logger: false, http2: true, https: httpsOptions(tls) })) as unknown as FastifyInstance;
  if (tls !== undefined) refuseUntrustedCertificates(app.server, tls.clientCertificates);
  // Jersey takes an empty body with Content-Type: application/json on endpoints that read none
  // (`curl -X PUT -H 'Content-Type: application/json' .../pause` is common); Fastify would refuse it.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        Object.assign(new Error(`Invalid JSON: ${(err as Error).message}`), { statusCode: 400 }),
        undefined,
      );
    }
  });
  const fail = (reply: FastifyReply, err: unknown) => {
    const e = err instanceof ConnectError ? err : new ConnectError(500, (err as Error).message);
    return reply.code(e.httpStatus).send(connectErrorBody(e));
  };
  const wrap =
    <T>(
      work: (
        req: { params: Record<string, string>; query: Record<string, string>; body: unknown },
        reply: FastifyReply,
      ) => Promise<T>,
    ) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await work(
          {
            params: req.params as Record<string, string>,
            query: (req.query ?? {}) as Record<string, string>,
            body: req.body,
          },
          reply,
        );
      } catch (err) {
        // Distributed: the leader serves it.
        if (err instanceof ForwardRequest)
          return forwardToLeader(req, reply, err.url).catch((e) => fail(reply, e));
        return fail(reply, err);
      }
    };
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(connectErrorBody(new ConnectError(404, `HTTP 404 Not Found: ${req.method} ${req.url}`))),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const e = new ConnectError(err.statusCode ?? 500, err.message);
    reply.code(e.httpStatus).send(connectErrorBody(e));
  });

  app.get('/', async () => ({ version: info.version, commit: 'sluice', kafka_cluster_id: info.clusterId }));
  app.get('/health', async () => ({
    status: 'healthy',
    message: 'Worker has completed startup and is ready to handle requests.',
  }));

  app.get(
    '/connectors',
    wrap(async ({ query }) => {
      const names = herder.connectorNames();
      const raw = (query as unknown as { expand?: string | string[] }).expand;
      const expand = new Set(Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]);
      if (!expand.has('status') && !expand.has('info')) return names;
      const out: Record<string, unknown> = {};
      for (const name of names) {
        out[name] = {
          ...(expand.has('status') ? { status: herder.connectorStatus(name) } : {}),
          ...(expand.has('info') ? { info: herder.connectorInfo(name, true) } : {}),
        };
      }
      return out;
    }),
  );

  app.post(
    '/connectors',
    wrap(async ({ body }, reply) => {
      const b = body as { name?: unknown; config?: unknown; initial_state?: unknown } | undefined;
      if (typeof b?.name !== 'string') throw new ConnectError(400, 'Connector name must be provided');
      if (!isConfigMap(b.config ?? {}))
        throw new ConnectError(400, 'Connector config values must be strings.');
      const initial = typeof b.initial_state === 'string' ? b.initial_state.toUpperCase() : 'RUNNING';
      if (!['RUNNING', 'PAUSED', 'STOPPED'].includes(initial)) {
        throw new ConnectError(
          400,
          `Invalid initial state ${b.initial_state}: use RUNNING, PAUSED or STOPPED.`,
        );
      }
      const name = b.name.trim();
      const created = await herder.createConnector(
        name,
        (b.config ?? {}) as Record<string, string>,
        initial === 'RUNNING' ? 'STARTED' : (initial as 'PAUSED' | 'STOPPED'),
      );
      return reply
        .code(201)
        .header('location', `/connectors/${encodeURIComponent(name)}`)
        .send({ ...created, config: herder.maskedConfig(created.config) });
    }),
  );

  app.get(
    '/connectors/:c',
    wrap(async ({ params }) => herder.connectorInfo(params.c, true)),
  );
  app.get(
    '/connectors/:c/config',
    wrap(async ({ params }) => herder.maskedConfig(herder.connectorConfig(params.c))),
  );

  app.put(
    '/connectors/:c/config',
    wrap(async ({ params, body }, reply) => {
      if (!isConfigMap(body))
        throw new ConnectError(400, 'Connector config must be a JSON object of string values.');
      const { created, info: connector } = await herder.putConnectorConfig(params.c, body);
      if (created) reply.code(201).header('location', `/connectors/${encodeURIComponent(params.c)}`);
      return { ...connector, config: herder.maskedConfig(connector.config) };
    }),
  );

  app.patch(
    '/connectors/:c/config',
    wrap(async ({ params, body }) => {
      const patch = body as Record<string, string | null>;
      const merged: Record<string, string> = { ...herder.connectorConfig(params.c) };
      for (const [k, v] of Object.entries(patch ?? {})) {
        if (v === null) delete merged[k];
        else merged[k] = String(v);
      }
      const { info: connector } = await herder.putConnectorConfig(params.c, merged);
      return { ...connector, config: herder.maskedConfig(connector.config) };
    }),
  );

  app.get(
    '/connectors/:c/status',
    wrap(async ({ params }) => herder.connectorStatus(params.c)),
  );
  app.get(
    '/connectors/:c/tasks',
    wrap(async ({ params }) => herder.taskConfigs(params.c, true)),
  );
  app.get(
    '/connectors/:c/tasks/:t/status',
    wrap(async ({ params }) => herder.taskStatus(params.c, Number(params.t))),
  );

  app.post(
    '/connectors/:c/restart',
    wrap(async ({ params, query }, reply) => {
      const includeTasks = query.includeTasks === 'true';
      const onlyFailed = query.onlyFailed === 'true';
      const status = await herder.restartConnector(params.c, { includeTasks, onlyFailed });
      if (!includeTasks && !onlyFailed) return reply.code(204).send();
      return reply.code(202).send(status);
    }),
  );

  app.post(
    '/connectors/:c/tasks/:t/restart',
    wrap(async ({ params }, reply) => {
      await herder.restartTask(params.c, Number(params.t));
      return reply.code(204).send();
    }),
  );

  for (const [action, code] of [
    ['pause', 202],
    ['resume', 202],
    ['stop', 204],
  ] as const) {
    app.put(
      `/connectors/:c/${action}`,
      wrap(async ({ params }, reply) => {
        if (action === 'pause') await herder.pauseConnector(params.c);
        else if (action === 'resume') await herder.resumeConnector(params.c);
        else await herder.stopConnector(params.c);
        return reply.code(code).send();
      }),
    );
  }

  app.delete(
    '/connectors/:c',
    wrap(async ({ params }, reply) => {
      await herder.deleteConnector(params.c);
      return reply.code(204).send();
    }),
  );

  app.get(
    '/connectors/:c/topics',
    wrap(async ({ params }) => {
      const topics = herder.connectorNames().includes(params.c) ? herder.connectorTopics(params.c) : [];
      return { [params.c]: { topics } };
    }),
  );
  app.put(
    '/connectors/:c/topics/reset',
    wrap(async (_r, reply) => reply.code(202).send()),
  );

  // Sluice's own: each task's counters, for SHOW CONNECTOR STATUS in external mode.
  app.get(
    '/connectors/:c/metrics',
    wrap(async ({ params }) => herder.connectorMetrics(params.c)),
  );
  app.get(
    '/connectors/:c/offsets',
    wrap(async ({ params }) => herder.connectorOffsets(params.c)),
  );
  app.patch(
    '/connectors/:c/offsets',
    wrap(async ({ params, body }) => {
      const offsets = (body as { offsets?: unknown } | undefined)?.offsets;
      if (!Array.isArray(offsets) || offsets.length === 0) {
        throw new ConnectError(400, 'Partitions / offsets need to be provided for an alter offsets request');
      }
      return { message: await herder.alterOffsets(params.c, offsets) };
    }),
  );
  app.delete(
    '/connectors/:c/offsets',
    wrap(async ({ params }) => ({ message: await herder.alterOffsets(params.c, null) })),
  );

  app.get(
    '/connector-plugins',
    wrap(async ({ query }) =>
      query.connectorsOnly === 'false' ? herder.plugins.allPlugins() : herder.connectorPlugins(),
    ),
  );
  app.get(
    '/connector-plugins/:p/config',
    wrap(async ({ params }) => herder.pluginConfig(params.p)),
  );
  app.put(
    '/connector-plugins/:p/config/validate',
    wrap(async ({ params, body }) => {
      if (!isConfigMap(body))
        throw new ConnectError(400, 'The config to validate must be a JSON object of string values.');
      const given = body['connector.class'];
      if (given === undefined || given === null) {
        throw herder.noConnectorType(body);
      }
      // As Kafka Connect compares them: simple names without a "Connector" suffix.
      const strip = (s: string) => s.slice(s.lastIndexOf('.') + 1).replace(/Connector$/, '');
      if (!strip(given).endsWith(strip(params.p))) {
        throw new ConnectError(
          400,
          `Included connector type ${given} does not match request type ${params.p}`,
        );
      }
      return herder.validate(given, body);
    }),
  );

  app.get('/admin/loggers', async () =>
    Object.fromEntries([...logLevels.keys()].sort().map((name) => [name, loggerLevel(name)])),
  );
  app.get(
    '/admin/loggers/:name',
    wrap(async ({ params }) => {
      const level = loggerLevel(params.name);
      if (level === undefined) throw new ConnectError(404, `Logger ${params.name} not found.`);
      return level;
    }),
  );
  app.put(
    '/admin/loggers/:name',
    wrap(async ({ params, query, body }, reply) => {
      const level = (body as { level?: unknown } | undefined)?.level;
      if (typeof level !== 'string')
        throw new ConnectError(400, "Desired 'level' parameter was not specified in request.");
      if (!LEVELS.has(level.toUpperCase())) throw new ConnectError(404, `invalid log level '${level}'.`);
      const affected = setLoggerLevel(params.name, level);
      // One worker: the cluster scope (KIP-976) is this worker, answered as Kafka Connect does.
      if ((query.scope ?? 'worker').toLowerCase() === 'cluster') return reply.code(204).send();
      return affected;
    }),
  );
  return app;
}
