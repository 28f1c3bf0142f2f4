import type { FastifyInstance } from 'fastify';
import type { Log } from '../../log/index.js';

export interface ServerIdentity {
  readonly version: string;
  readonly serviceId: string;
  /** host:port this server answers on, for /clusterStatus. */
  readonly hostPort: string;
}

/** /info, /healthcheck, /clusterStatus with ksqlDB's entity shapes. */
export function registerServerInfoRoutes(app: FastifyInstance, log: Log, identity: ServerIdentity): void {
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
    return {
      isHealthy: storageHealthy,
      details: {
        metastore: { isHealthy: storageHealthy },
        kafka: { isHealthy: storageHealthy },
        commandRunner: { isHealthy: true },
      },
      serverState: 'READY',
    };
  });

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
