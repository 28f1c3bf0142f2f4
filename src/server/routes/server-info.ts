import type { FastifyInstance } from 'fastify';
import type { KsqlEngine } from '../../engine/index.js';
import type { Log } from '../../log/index.js';
import { genericError } from '../errors.js';

export interface ServerIdentity {
  readonly version: string;
  readonly serviceId: string;
  /** host:port this server answers on, for /clusterStatus. */
  readonly hostPort: string;
}

/** /info, /healthcheck, /clusterStatus with ksqlDB's entity shapes. */
export function registerServerInfoRoutes(
  app: FastifyInstance,
  log: Log,
  identity: ServerIdentity,
  engine: KsqlEngine,
): void {
  app.get('/', async (_req, reply) => reply.redirect('/info', 307));

  app.get('/info', async () => ({
    KsqlServerInfo: {
      version: identity.version,
      kafkaClusterId: log.clusterId,
      ksqlServiceId: identity.serviceId,
      serverStatus: 'RUNNING',
    },
  }));

  app.get('/healthcheck', async () => {
    let storageHealthy = true;
    try {
      await log.listTopics();
    } catch {
      storageHealthy = false;
    }
    // A query in ERROR (retrying on its own) is reported beside ksqlDB's checks; as in ksqlDB it
    // does not make the server unhealthy, so a probe does not restart a server that is serving.
    const queriesHealthy = engine.queries.all().every((q) => q.query.state !== 'ERROR');
    return {
      isHealthy: storageHealthy,
      details: {
        metastore: { isHealthy: storageHealthy },
        kafka: { isHealthy: storageHealthy },
        commandRunner: { isHealthy: true },
        queries: { isHealthy: queriesHealthy },
      },
      serverState: 'READY',
    };
  });

  app.get('/status', async () => ({ commandStatuses: Object.fromEntries(engine.commandStatuses) }));

  app.get<{ Params: { type: string; entity: string; action: string } }>(
    '/status/:type/:entity/:action',
    async (req, reply) => {
      const id = `${req.params.type}/${req.params.entity}/${req.params.action}`;
      const status = engine.commandStatuses.get(id);
      if (status === undefined) {
        return reply.code(404).send(genericError('NOT_FOUND', `Command ${id} not found.`));
      }
      return { status, message: '' };
    },
  );

  app.get('/clusterStatus', async () => ({
    clusterStatus: {
      [identity.hostPort]: {
        hostAlive: true,
        lastStatusUpdateMs: Date.now(),
        activeStandbyPerQuery: {},
        hostStoreLags: { stateStoreLags: {}, updateTimeMs: Date.now() },
      },
    },
  }));
}
