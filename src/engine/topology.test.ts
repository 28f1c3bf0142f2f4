// One SELECT's plan run as a topology: the same operators feed a topic sink (persistent query) and a
// client sink (push query).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type LogRecord, SegmentLog } from '../log/index.js';
import {
  type PhysicalPlan,
  planPhysical,
  planQuery,
  type SelectMode,
  type SinkNode,
} from '../planner/index.js';
import {
  ClientSink,
  type OperatorContext,
  type ProcessingLog,
  SinkEncoder,
  StateStores,
  TopicSink,
} from '../runtime/index.js';
import { parseStatement } from '../sql/index.js';
import { INTEGER, STRING } from '../types/index.js';
import type { DataSource } from './data-source.js';
import { buildTopology, topologyStoreSpecs } from './topology.js';

function source(kind: 'STREAM' | 'TABLE'): DataSource {
  return {
    kind,
    name: 'S',
    columns: [
      { name: 'ID', type: STRING, namespace: 'KEY' },
      { name: 'N', type: INTEGER, namespace: 'VALUE' },
    ],
    topic: 's',
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    serde: {},
    readOnly: false,
    statement: '',
  };
}

function record(offset: number, key: string, value: object | null): LogRecord {
  return {
    offset,
    timestamp: 1000 + offset,
    key: Buffer.from(key),
    value: value === null ? null : Buffer.from(JSON.stringify(value)),
    headers: [],
  };
}

function plan(sql: string, s: DataSource, mode: SelectMode): SinkNode {
  const statement = parseStatement(sql);
  if (statement.kind !== 'select' && statement.kind !== 'createAsSelect') throw new Error('not a query');
  return planQuery(statement.query, () => s, mode);
}

function context(errors: string[]): OperatorContext {
  const processingLog = {
    processingError: (_logger: string, _row: unknown, error: Error) =>
      errors.push(`${error.message}: ${(error.cause as Error | undefined)?.message}`),
    deserializationError: (_l: string, _t: string, target: string) => errors.push(`bad ${target}`),
    serializationError: () => errors.push('serialization'),
  } as unknown as ProcessingLog;
  return { queryId: 'Q', processingLog, countFailure: () => {} };
}

const RECORDS = [
  record(0, 'a', { N: 1 }),
  record(1, 'b', { N: 20 }),
  record(2, 'a', { N: 30 }),
  record(3, 'b', null),
  record(4, 'c', { N: 0 }),
  record(5, 'd', '{' as unknown as object),
];

describe('a query topology', () => {
  test('over a table, a persistent and a push query run the same operators and differ only in their sink, the persistent one reading the table through its store', async () => {
    const table = source('TABLE');
    const sql = 'SELECT ID, 100 / N AS Q FROM S WHERE N > 0 EMIT CHANGES;';
    const persistent = planPhysical(
      plan(`CREATE TABLE T AS ${sql}`, table, { kind: 'persistent', sinkName: 'T' }),
    );
    const push = planPhysical(plan(sql, table, { kind: 'push' }));
    const kinds = (p: PhysicalPlan): string[] =>
      p.kind === 'sourceScan' ? [p.kind] : [...kinds(p.input), p.kind];
    assert.deepEqual(kinds(persistent), ['sourceScan', 'tableSource', 'filter', 'project', 'topicSink']);
    assert.deepEqual(kinds(push), ['sourceScan', 'filter', 'project', 'clientSink']);

    const errors: string[] = [];
    const batch = buildTopology(push, table, context(errors)).process(RECORDS, 0);
    assert.deepEqual(errors, ['bad value']);
    // a (1), b (20), a (30), b deleted, c filtered out (a delete of a key never shown)
    assert.deepEqual(
      batch.rows.map((r, i) => [...r, batch.deletes[i]]),
      [
        ['a', 100, false],
        ['b', 5, false],
        ['a', 3, false],
        ['b', null, true],
        ['c', null, true],
      ],
    );
    const client = new ClientSink(true, undefined).write(batch);
    assert.deepEqual(client.tombstones, [false, false, false, true]);

    const encoder = new SinkEncoder(
      [
        { name: 'ID', type: STRING, namespace: 'KEY' },
        { name: 'Q', type: INTEGER, namespace: 'VALUE' },
      ],
      { keyFormat: 'KAFKA', valueFormat: 'JSON' },
    );
    if (persistent.kind !== 'topicSink') throw new Error('not a topic sink');
    const dir = mkdtempSync(join(tmpdir(), 'sluice-topology-'));
    const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
    const stores = await StateStores.open({
      log,
      stateDir: join(dir, 'state'),
      applicationId: '_confluent-ksql-default_query_CTAS_T_0',
      partition: 0,
      partitions: 1,
      stores: topologyStoreSpecs(persistent, 'KAFKA'),
    });
    try {
      const withStores = { ...context([]), stores };
      const sink = new TopicSink('T', { topic: 't', encoder, keepsSourceKey: true }, withStores);
      const out = sink.write(buildTopology(persistent, table, withStores).process(RECORDS, 0));
      // c never passed the WHERE: its change is no delete of the result.
      assert.deepEqual(
        out.records.map((r) => [String(r.key), r.value === null ? null : String(r.value), r.timestamp]),
        [
          ['a', '{"Q":100}', 1000],
          ['b', '{"Q":5}', 1001],
          ['a', '{"Q":3}', 1002],
          ['b', null, 1003],
        ],
      );
      assert.deepEqual(out.from, [0, 1, 2, 3]);
    } finally {
      await stores.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('over a stream, rows without value and rows the WHERE drops are gone, and a failing column is NULL and logged', () => {
    const stream = source('STREAM');
    const physical = planPhysical(
      plan('SELECT ID, 100 / N AS Q FROM S WHERE N >= 0 EMIT CHANGES;', stream, { kind: 'push' }),
    );
    const errors: string[] = [];
    const batch = buildTopology(physical, stream, context(errors)).process(RECORDS, 0);
    assert.deepEqual(batch.rows, [
      ['a', 100],
      ['b', 5],
      ['a', 3],
      ['c', null],
    ]);
    assert.deepEqual(errors, [
      'bad value',
      'Error computing expression 100 / N for column Q with index 1: Division by zero',
    ]);
    assert.deepEqual(new ClientSink(false, 2).write(batch).rows, [
      ['a', 100],
      ['b', 5],
    ]);
  });
});
