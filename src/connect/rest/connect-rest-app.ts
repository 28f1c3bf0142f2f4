import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { ConnectError } from '../worker/connect-error.js';
import { logLevels } from '../worker/connect-logger.js';
import type { Herder } from '../worker/herder.js';

const LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'OFF']);

function isStringMap(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string')
  );
}

/**
 * The Kafka Connect REST API over a Herder: the same paths, bodies, status codes and error format
 * (`{"error_code", "message"}`) as Kafka Connect, so its tools and ksqlDB work against it.
 */
export function buildConnectRestApp(
  herder: Herder,
  info: { version: string; clusterId: string },
): FastifyInstance {
  const app = Fastify({ logger: false });
  const fail = (reply: FastifyReply, err: unknown) => {
    const status = err instanceof ConnectError ? err.status : 500;
    return reply.code(status).send({ error_code: status, message: (err as Error).message });
  };
  const wrap =
    <T>(
      work: (
        req: { params: Record<string, string>; query: Record<string, string>; body: unknown },
        reply: FastifyReply,
      ) => Promise<T>,
    ) =>
    async (req: { params: unknown; query: unknown; body: unknown }, reply: FastifyReply) => {
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
        return fail(reply, err);
      }
    };
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error_code: 404, message: `HTTP 404 Not Found: ${req.method} ${req.url}` }),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode ?? 500;
    reply.code(status).send({ error_code: status, message: err.message });
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
      if (!isStringMap(b.config ?? {}))
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
      if (!isStringMap(body))
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
    wrap(async ({ params }) =>
      herder.taskConfigs(params.c).map((t) => ({ ...t, config: herder.maskedConfig(t.config) })),
    ),
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
        if (!herder.connectorNames().includes(params.c))
          throw new ConnectError(404, `Unknown connector ${params.c}`);
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
    wrap(async ({ params }) =>
      herder.pluginConfigKeys(params.p).map((k) => ({
        name: k.name,
        type: k.type,
        required: k.defaultValue === undefined,
        default_value:
          k.defaultValue === undefined || k.defaultValue === null ? null : String(k.defaultValue),
        importance: k.importance,
        documentation: k.documentation,
        group: k.group ?? null,
        order_in_group: k.orderInGroup ?? -1,
        width: k.width ?? 'NONE',
        display_name: k.displayName ?? k.name,
        dependents: k.dependents ?? [],
      })),
    ),
  );
  app.put(
    '/connector-plugins/:p/config/validate',
    wrap(async ({ params, body }) => {
      if (!isStringMap(body))
        throw new ConnectError(400, 'The config to validate must be a JSON object of string values.');
      const given = body['connector.class'];
      const strip = (s: string) => s.slice(s.lastIndexOf('.') + 1).replace(/Connector$/, '');
      if (given === undefined || strip(given) !== strip(params.p)) {
        throw new ConnectError(
          400,
          'Connector class name in the URL must match the connector.class configuration.',
        );
      }
      return herder.validate(params.p, body);
    }),
  );

  app.get('/admin/loggers', async () =>
    Object.fromEntries([...logLevels].map(([name, level]) => [name, { level, last_modified: null }])),
  );
  app.get(
    '/admin/loggers/:name',
    wrap(async ({ params }) => {
      const level = logLevels.get(params.name);
      if (level === undefined) throw new ConnectError(404, `Logger ${params.name} not found.`);
      return { level, last_modified: null };
    }),
  );
  app.put(
    '/admin/loggers/:name',
    wrap(async ({ params, body }) => {
      const level = (body as { level?: unknown } | undefined)?.level;
      if (typeof level !== 'string') throw new ConnectError(400, 'Desired log level is not specified.');
      if (!LEVELS.has(level.toUpperCase())) throw new ConnectError(404, `invalid log level '${level}'.`);
      const mapped =
        level.toUpperCase() === 'TRACE'
          ? 'DEBUG'
          : level.toUpperCase() === 'FATAL' || level.toUpperCase() === 'OFF'
            ? 'ERROR'
            : level.toUpperCase();
      logLevels.set(params.name, mapped as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR');
      return [params.name];
    }),
  );
  return app;
}
