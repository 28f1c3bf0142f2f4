import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { InternalTopics, Log } from '../../log/index.js';
import { ClassicGroupCoordinator } from './classic-group-coordinator.js';
import { KafkaConnection } from './connection.js';
import type { BrokerContext } from './context.js';
import { ProducerStates } from './producer-states.js';
import { TopicIds } from './topic-ids.js';
import { TransactionCoordinator } from './transaction-coordinator.js';

export interface KafkaListenerOptions {
  readonly log: Log;
  /** Sluice's own topics: clients may not write or delete them. */
  readonly internalTopics: InternalTopics;
  /** `PLAINTEXT://`, `SASL_PLAINTEXT://`, `SSL://` or `SASL_SSL://host:port`; port 0 takes a free port. */
  readonly listener: string;
  /**
   * For an SSL:// or SASL_SSL:// listener (required there): the node:tls server options, i.e. the
   * keystore and, for client certificates, the CAs with requestCert/rejectUnauthorized.
   */
  readonly tls?: TlsOptions;
  /** Kafka's socket.request.max.bytes: a larger request closes its connection (default 100 MiB). */
  readonly maxRequestBytes?: number;
  readonly defaultPartitions?: number;
  readonly autoCreateTopics?: boolean;
  /** Kafka's group.initial.rebalance.delay.ms (default 3000). */
  readonly groupInitialRebalanceDelayMs?: number;
  readonly writeLine?: (line: string) => void;
  /**
   * For a SASL_PLAINTEXT:// listener (required there): checks a SASL/PLAIN user's password; resolves
   * undefined when admitted, else the reason.
   */
  readonly authenticatePlain?: (
    user: string,
    password: string,
    address: string,
  ) => Promise<string | undefined>;
}

export interface RunningKafkaListener {
  /** The listener (`PLAINTEXT://host:port`, `SSL://…`) with the port bound. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Parses `PLAINTEXT|SASL_PLAINTEXT|SSL|SASL_SSL://host:port`; throws naming what is wrong. */
export function parseKafkaListener(text: string): {
  host: string;
  port: number;
  sasl: boolean;
  ssl: boolean;
} {
  const m = /^(PLAINTEXT|SASL_PLAINTEXT|SSL|SASL_SSL):\/\/(\[[^\]]+\]|[^:/]*):(\d+)$/i.exec(text.trim());
  if (m === null) {
    throw new Error(
      `sluice.kafka.listeners='${text}' is not a listener: write PLAINTEXT://HOST:PORT (e.g. PLAINTEXT://127.0.0.1:9092) SASL_PLAINTEXT://, SSL:// or SASL_SSL://HOST:PORT, or leave it empty to turn the Kafka listener off.`,
    );
  }
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`sluice.kafka.listeners='${text}': port ${port} is above 65535.`);
  return {
    host: m[2].replace(/^\[|\]$/g, '') || '0.0.0.0',
    port,
    sasl: m[1].toUpperCase().startsWith('SASL_'),
    ssl: m[1].toUpperCase().endsWith('SSL'),
  };
}

/**
 * Serves a Log to Kafka clients over Kafka's wire protocol: one node that is the only broker, the
 * controller, every partition's leader and the group coordinator.
 */
export async function startKafkaListener(options: KafkaListenerOptions): Promise<RunningKafkaListener> {
  const { host, port, sasl, ssl } = parseKafkaListener(options.listener);
  if (ssl && options.tls === undefined) {
    throw new Error(
      `${options.listener}: an SSL listener needs the server's keystore: set ssl.keystore.location and ssl.keystore.password (or ssl.keystore.key and ssl.keystore.certificate.chain).`,
    );
  }
  if (sasl && options.authenticatePlain === undefined) {
    throw new Error(
      `${options.listener}: a SASL listener checks users against the server's password file: set authentication.method=BASIC and sluice.authentication.password.file.`,
    );
  }
  // Read back before any client is served: a retried batch must meet the state it was appended with.
  const producers = await ProducerStates.open(options.log);
  const writeLine = options.writeLine ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Also before any client: a transaction the last process left open is aborted and its producer fenced.
  const transactions = await TransactionCoordinator.open(options.log, producers, writeLine);
  const connections = new Set<KafkaConnection>();
  const server: Server = ssl ? createTlsServer(options.tls ?? {}) : createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  // Clients reconnect to the address Metadata gives: a wildcard bind is not an address.
  const advertisedHost = host === '0.0.0.0' || host === '::' ? hostname() : host;
  const broker: BrokerContext = {
    log: options.log,
    node: { nodeId: 1, host: advertisedHost, port: boundPort },
    internalTopics: options.internalTopics,
    producers,
    transactions,
    topicIds: new TopicIds(options.log),
    groups: new ClassicGroupCoordinator({
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 3000,
    }),
    defaultPartitions: options.defaultPartitions ?? 1,
    autoCreateTopics: options.autoCreateTopics ?? true,
    maxBatchBytes: 16 * 1024 * 1024,
    writeLine,
    authenticatePlain: sasl ? options.authenticatePlain : undefined,
  };
  const maxRequestBytes = options.maxRequestBytes ?? 100 * 1024 * 1024;
  const serve = (socket: Socket) => {
    const connection = new KafkaConnection(socket, broker, maxRequestBytes);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  };
  if (ssl) {
    // A client that fails the handshake (a plaintext client, an untrusted certificate) is dropped by
    // node:tls before any Kafka request is read. REQUESTED client authentication admits a client
    // without a certificate but, as Kafka does, not one whose certificate the truststore rejects.
    server.on('secureConnection', (socket: TLSSocket) => {
      if (options.tls?.requestCert === true && !socket.authorized && hasPeerCertificate(socket)) {
        socket.destroy();
        return;
      }
      serve(socket);
    });
  } else server.on('connection', serve);
  const shownHost = advertisedHost.includes(':') ? `[${advertisedHost}]` : advertisedHost;
  return {
    url: `${sasl ? 'SASL_' : ''}${ssl ? 'SSL' : 'PLAINTEXT'}://${shownHost}:${boundPort}`,
    host: advertisedHost,
    port: boundPort,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.close();
      broker.groups.close();
      transactions.close();
      await closed;
    },
  };
}

function hasPeerCertificate(socket: TLSSocket): boolean {
  const peer = socket.getPeerCertificate();
  return peer !== null && typeof peer === 'object' && Object.keys(peer).length > 0;
}
