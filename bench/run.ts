// `npm run bench`: every benchmark, each figure printed beside its same-run baseline.

import { benchAvroFormat, printAvroFigures } from './avro-query.js';
import { benchConnectFailover } from './connect-failover.js';
import { benchFileSink } from './file-sink.js';
import { benchJavaConnect } from './java-connect.js';
import { benchJdbcSink } from './jdbc-sink.js';
import { benchJdbcSource } from './jdbc-source.js';
import { benchJoins, benchStreamStreamJoin, printJoinFigures, printStreamStreamFigure } from './joins.js';
import { benchKafkaBackend } from './kafka-backend.js';
import { benchKafkaClients } from './kafka-clients.js';
import { benchKafkaListener, printKafkaListenerFigures } from './kafka-listener.js';
import { benchKafkaStreams, printStreamsComparison } from './kafka-streams.js';
import { benchLog, type Figure } from './log-throughput.js';
import { benchPostgresCdc } from './postgres-cdc.js';
import { benchPullQueries, printPullFigures } from './pull-queries.js';
import { benchPushStreaming } from './push-streaming.js';
import { benchQueries } from './query-throughput.js';
import { benchStateStores } from './state-stores.js';
import { benchVoluble, benchVolubleConverters } from './voluble.js';

function line(f: Figure, baseline?: Figure): string {
  const ratio = baseline
    ? `  ${((100 * f.recordsPerSecond) / baseline.recordsPerSecond).toFixed(0)} % of baseline`
    : '';
  return `  ${f.name.padEnd(34)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s ${f.megabytesPerSecond.toFixed(0).padStart(6)} MB/s${ratio}`;
}

const log = await benchLog();
const by = (name: string) => log.find((f) => f.name.startsWith(name))!;
console.log('Embedded log, 200-byte records (10-byte key, 190-byte value), 1,000,000 records, best of 3');
console.log(line(by('raw fs sequential write')));
console.log(line(by('log append'), by('raw fs sequential write')));
console.log(line(by('raw fs sequential read')));
console.log(line(by('log read'), by('raw fs sequential read')));

const queries = await benchQueries();
const [queryBase, queryRun, queryExactlyOnce] = queries.figures;
console.log('');
console.log(
  'Persistent query over ~200-byte JSON records (WHERE + 3 projected expressions), 200,000 records, best of 3',
);
for (const f of [queryBase, queryRun, queryExactlyOnce]) {
  const ratio =
    f === queryBase
      ? ''
      : f === queryExactlyOnce
        ? `  ${((100 * f.recordsPerSecond) / queryRun.recordsPerSecond).toFixed(0)} % of at-least-once`
        : `  ${((100 * f.recordsPerSecond) / queryBase.recordsPerSecond).toFixed(0)} % of baseline`;
  console.log(
    `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
  );
}
// The stateful figures (GROUP BY, windowed COUNT) carry their share of the CSAS in their names.
for (const f of queries.figures.slice(3)) {
  console.log(
    `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s`,
  );
}
const l = queries.latency;
console.log(
  `  push query latency, append → HTTP client, 1,000 records/s: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (${l.count} rows)`,
);

console.log('');
printStreamsComparison(await benchKafkaStreams());

console.log('');
const joins = await benchJoins();
printJoinFigures(joins);
printStreamStreamFigure(await benchStreamStreamJoin(), joins[0]);

console.log('');
printAvroFigures(await benchAvroFormat());
printAvroFigures(await benchAvroFormat('PROTOBUF'), 'PROTOBUF');

const streaming = await benchPushStreaming();
console.log('');
console.log(
  'Push query rows to a client on /query-stream (delimited, ~50-byte rows), 100,000 rows, best of 3',
);
for (const [i, f] of streaming.entries()) {
  // Each push-query figure follows its protocol's bare-server baseline.
  const ratio =
    i % 2 === 0
      ? ''
      : `  ${((100 * f.rowsPerSecond) / streaming[i - 1].rowsPerSecond).toFixed(0)} % of baseline`;
  console.log(
    `  ${f.name.padEnd(44)} ${Math.round(f.rowsPerSecond).toLocaleString('en-US').padStart(12)} rows/s${ratio}`,
  );
}

const voluble = await benchVoluble();
console.log('');
console.log('Voluble generator (the seed config, no throttle, 100,000 records), best of 3');
for (const [i, f] of voluble.entries()) {
  const ratio =
    i === 0 ? '' : `  ${((100 * f.recordsPerSecond) / voluble[0].recordsPerSecond).toFixed(0)} % of baseline`;
  console.log(
    `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
  );
}

const converters = await benchVolubleConverters();
console.log('');
console.log('Voluble into the embedded log by converter (keys and values, 100,000 records), best of 3');
console.log(
  `  ${'JsonConverter (schemas.enable=false)'.padEnd(44)} ${Math.round(converters.json).toLocaleString('en-US').padStart(12)} records/s`,
);
console.log(
  `  ${'AvroConverter (Sluice registry over HTTP)'.padEnd(44)} ${Math.round(converters.avro).toLocaleString('en-US').padStart(12)} records/s  ${((100 * converters.avro) / converters.json).toFixed(0)} % of JsonConverter`,
);

const sinks = await benchFileSink();
console.log('');
console.log('FileStream sink, 500,000 records of 100 bytes (connector start included), best of 3');
for (const [i, f] of sinks.entries()) {
  const ratio =
    i === 0 ? '' : `  ${((100 * f.recordsPerSecond) / sinks[0].recordsPerSecond).toFixed(0)} % of baseline`;
  console.log(
    `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
  );
}

const stores = await benchStateStores();
console.log('');
console.log(
  'State store, COUNT-like get + put over 100,000 keys, batches of 1,000 committed to changelog and lmdb, 200,000 updates, best of 3',
);
for (const [i, f] of stores.entries()) {
  const ratio =
    i === 0 ? '' : `  ${((100 * f.opsPerSecond) / stores[0].opsPerSecond).toFixed(0)} % of baseline`;
  console.log(
    `  ${f.name.padEnd(44)} ${Math.round(f.opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s${ratio}`,
  );
}

// The PostgreSQL connectors print their own lines (each starts a real PostgreSQL server).
for (const [title, bench] of [
  ['JDBC source, PostgreSQL table to records', benchJdbcSource],
  ['JDBC sink, topic of records to a PostgreSQL table', benchJdbcSink],
  ['PostgreSQL change data capture', benchPostgresCdc],
] as const) {
  console.log('');
  console.log(title);
  for (const line of await bench()) console.log(line);
}

console.log('');
printKafkaListenerFigures(await benchKafkaListener());

const clients = await benchKafkaClients();
console.log('');
console.log(
  `Node Kafka client against a real Apache Kafka 4.1 broker, 200-byte records, ${(200_000).toLocaleString('en-US')} records (acks=1, batches of 1,000): Kafka's Java perf tools as baseline`,
);
if (typeof clients === 'string') console.log(`  ${clients}`);
else {
  for (const [i, f] of clients.entries()) {
    const ratio =
      i % 2 === 0
        ? ''
        : `  ${((100 * f.recordsPerSecond) / clients[i - 1].recordsPerSecond).toFixed(0)} % of baseline`;
    console.log(
      `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
    );
  }
}

const backend = await benchKafkaBackend();
console.log('');
console.log(
  `CREATE STREAM … AS SELECT over ~200-byte JSON records, ${(100_000).toLocaleString('en-US')} records: the Kafka backend (a real Kafka 4.1 broker) beside the embedded log as baseline (aim ≥ 50 %)`,
);
if (typeof backend === 'string') console.log(`  ${backend}`);
else {
  for (const [i, f] of backend.entries()) {
    const ratio =
      i === 0
        ? ''
        : `  ${((100 * f.recordsPerSecond) / backend[0].recordsPerSecond).toFixed(0)} % of baseline`;
    console.log(
      `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
    );
  }
}

console.log('');
printPullFigures((await benchPullQueries())!);

const javaConnect = await benchJavaConnect();
console.log('');
console.log(
  "Kafka's Java FileStreamSource on a real Kafka Connect 4.1 worker, ~100-byte lines, 200,000 records, best of 2: into Sluice's Kafka listener beside a real Apache Kafka 4.1 broker as baseline (aim ≥ 100 %)",
);
if (typeof javaConnect === 'string') console.log(`  ${javaConnect}`);
else {
  const [base, onSluice] = javaConnect;
  for (const f of javaConnect) {
    const ratio =
      f === onSluice
        ? `  ${((100 * f.recordsPerSecond) / base.recordsPerSecond).toFixed(0)} % of baseline`
        : '';
    console.log(
      `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
    );
  }
}

const failover = await benchConnectFailover();
console.log('');
console.log(
  `Distributed sluice connect, three worker processes on the server's Kafka listener (session.timeout.ms ${failover.sessionTimeoutMs}, scheduled.rebalance.max.delay.ms 0; aim ≤ 10 s)`,
);
console.log(
  `  create → task RUNNING (baseline)               ${failover.startSeconds.toFixed(2).padStart(12)} s`,
);
console.log(
  `  SIGKILL → task RUNNING on another worker       ${failover.failoverSeconds.toFixed(2).padStart(12)} s`,
);
