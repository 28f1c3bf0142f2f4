// Test support: runs an end-to-end suite on both storage backends, the embedded log and a real Apache
// Kafka 4.x broker (KRaft, one node, from kafka-broker.fixture.ts). The suite is declared once; each
// backend gets its own `describe`. On Kafka one broker serves the whole file: before each test every
// topic and group the previous test left is deleted, so tests see an empty cluster as they would see
// an empty data dir. Without Java or the broker's jars the Kafka half is skipped, saying why.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { KafkaLog, type Log, SegmentLog } from '../../src/log/index.js';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import { startSluice } from './sluice-server.fixture.js';

export type BackendKind = 'embedded' | 'kafka';

export interface Backend {
  readonly kind: BackendKind;
  /** Whether processing.guarantee=exactly_once_v2 runs here (both backends have transactions). */
  readonly exactlyOnce: boolean;
  /** Environment for a server on this backend: KSQL_BOOTSTRAP_SERVERS on Kafka, nothing on the embedded log. */
  env(): Record<string, string>;
  /**
   * The data dir a restarted server uses: the same one on the embedded log (its topics live there);
   * on Kafka a fresh one, since every topic lives in the cluster and a server with an empty dir must
   * find its streams, tables, queries and connectors again.
   */
  restartDir(dataDir: string): string;
  /**
   * The log the servers wrote: the embedded log of `dataDir` (once no server holds it), or a client
   * of the Kafka cluster. The caller closes it.
   */
  openLog(dataDir: string): Promise<Log>;
}

/** Deletes every topic and consumer group of the cluster (Kafka's internal topics stay). */
async function emptyCluster(bootstrap: string): Promise<void> {
  const log = await KafkaLog.open({ bootstrapServers: [bootstrap], clientId: 'sluice-test-reset' });
  try {
    for (const group of await log.listGroups())
      await log.deleteCommittedOffsets(group).catch(() => {
        // A group whose member's session has not expired yet: its offsets go with its topics.
      });
    for (const topic of await log.listTopics()) await log.deleteTopic(topic);
  } finally {
    await log.close();
  }
}

const embedded: Backend = {
  kind: 'embedded',
  exactlyOnce: true,
  env: () => ({}),
  restartDir: (dataDir) => dataDir,
  openLog: (dataDir) => SegmentLog.open({ dataDir, cleanerIntervalMs: 0 }),
};

/**
 * Declares `suite` twice: on the embedded log, and on Apache Kafka with a broker started for this
 * file. `suite` declares tests (and hooks) with node:test as usual and takes the backend they run on.
 * The timeouts are for a hang, not for speed: on a loaded machine the Kafka half of a suite has
 * taken 4 minutes.
 */
export function onEachBackend(
  title: string,
  options: { readonly timeout?: number; readonly skip?: string | undefined },
  suite: (backend: Backend) => void,
): void {
  describe(`${title} (embedded log)`, { timeout: options.timeout, skip: options.skip }, () =>
    suite(embedded),
  );
  describe(`${title} (Apache Kafka)`, {
    timeout: options.timeout,
    skip: options.skip ?? kafkaBroker.missing,
  }, () => {
    let broker: KafkaBroker | undefined;
    let used = false;
    const bootstrap = () => {
      if (broker === undefined) throw new Error('the Kafka broker did not start');
      return broker.bootstrap;
    };
    before(async () => {
      broker = await startKafkaBroker();
    });
    after(async () => {
      await broker?.stop();
    });
    beforeEach(async () => {
      if (used) await emptyCluster(bootstrap());
      used = true;
    });
    suite({
      kind: 'kafka',
      exactlyOnce: false,
      env: () => ({ KSQL_BOOTSTRAP_SERVERS: bootstrap() }),
      // Inside the old dir, so the test's clean-up removes it too.
      restartDir: (dataDir) => mkdtempSync(join(dataDir, 'fresh-')),
      openLog: () => KafkaLog.open({ bootstrapServers: [bootstrap()], clientId: 'sluice-test-reader' }),
    });
  });
}

/**
 * On a backend without transactions: a persistent query under exactly_once_v2 is refused when it is
 * created, with a message that says so, and nothing of it is left behind.
 */
export function exactlyOnceRefused(backend: Backend): void {
  test('exactly_once_v2 is refused with a clear error, and nothing is created', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-eos-refused-'));
    try {
      const server = await startSluice(dataDir, backend.env());
      await server.ksql(
        "CREATE STREAM src (id STRING KEY, seq BIGINT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);",
      );
      await assert.rejects(
        server.ksql('CREATE STREAM kept AS SELECT id, seq FROM src;', {
          'processing.guarantee': 'exactly_once_v2',
        }),
        /400.*exactly_once_v2.*not implemented on the Kafka backend/,
      );
      const [streams] = (await server.ksql('SHOW STREAMS;')) as { streams: { name: string }[] }[];
      assert.deepEqual(
        streams.streams.map((s) => s.name),
        ['SRC'],
      );
      const [queries] = (await server.ksql('SHOW QUERIES;')) as { queries: unknown[] }[];
      assert.deepEqual(queries.queries, []);
      await server.kill();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
